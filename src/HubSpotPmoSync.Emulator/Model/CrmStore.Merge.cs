using System.Globalization;
using HubSpotPmoSync.Emulator.Api;

namespace HubSpotPmoSync.Emulator.Model;

/// <summary>Merges and restores: how records leave the recycle bin, and how two records become one.</summary>
internal sealed partial class CrmStore
{
    /// <summary>The survivor's property listing the ids merged into it.</summary>
    public const string MergedIdsProperty = "hs_merged_object_ids";

    /// <summary>The object types HubSpot merges (API-FACTS §5): not custom objects.</summary>
    public static bool IsMergeable(ObjectTypeDef t) => t.Name is "contacts" or "companies" or "deals" or "tickets" or "projects";

    /// <summary>
    /// Merges <paramref name="merged"/> into <paramref name="primary"/> as HubSpot does: the primary keeps its id and its
    /// values, takes the merged record's values where it has none, lists the merged id (and the ids merged into that one)
    /// in <c>hs_merged_object_ids</c>, and is modified now; every link of the merged record moves to it (a link between
    /// the two goes; a primary label moves only where the survivor holds no primary of that type); the merged record is
    /// archived (it shows in the <c>archived=true</c> list and can no longer be restored). Returns the values moved.
    /// </summary>
    public int Merge(ObjectTypeDef t, CrmRecord primary, CrmRecord merged, long now)
    {
        ArchiveRecord(t, merged, now, notify: false);
        merged.MergedInto = primary.Id;
        BeforeIndexedChange(primary, now);
        var moved = 0;
        foreach (var p in t.Properties.Values.Where(p => p.Slot >= 0 && !p.ReadOnlyValue && !p.Archived))
        {
            if (primary.Get(p.Slot) is null && merged.Get(p.Slot) is { } value && !(p.HasUniqueValue && t.Unique[p.Name].ContainsKey(value)))
            {
                primary.Set(p.Slot, value);
                if (p.HasUniqueValue)
                {
                    t.Unique[p.Name][value] = primary;
                }

                moved++;
            }
        }

        var slot = t.Properties[MergedIdsProperty].Slot;
        var ids = new SortedSet<long>(Split(primary.Get(slot)).Concat(Split(merged.Get(slot)))) { merged.Id };
        primary.Set(slot, string.Join(';', ids.Select(i => i.ToString(CultureInfo.InvariantCulture))));
        primary.UpdatedAt = now;
        AfterIndexedChange(primary, now);

        foreach (var entry in Associations.From(merged.Id).ToList())
        {
            var other = TypeByKey(entry.ToKey);
            var types = entry.TypeIds.Select(id => AssocTypes[id]).ToList();
            Unlink(t, merged.Id, other, entry.ToId);
            if (entry.ToId == primary.Id)
            {
                continue;
            }

            var survivorHasPrimary = Associations.From(primary.Id).Any(e => e.ToKey == entry.ToKey && e.TypeIds.Any(i => AssocTypes[i].IsPrimary));
            Link(t, primary.Id, other, entry.ToId, [.. types.Where(d => !(d.IsPrimary && survivorHasPrimary))], replace: false);
        }

        Emit(new StoreChange(StoreChangeKind.Merge, t, primary.Id, now, "CRM") { MergedIds = [merged.Id], PropertiesMoved = moved });
        return moved;
    }

    /// <summary>Merges <paramref name="mergedId"/> into <paramref name="primaryId"/> (both live records of the type), as a person does in HubSpot's UI.</summary>
    public void MergeRecords(string objectType, string primaryId, string mergedId) => Write(() =>
    {
        var t = ResolveType(objectType);
        var primary = FindRecord(t, primaryId, null, archived: false) ?? throw ApiException.NotFound($"{t.Singular} {primaryId} does not exist");
        var merged = FindRecord(t, mergedId, null, archived: false) ?? throw ApiException.NotFound($"{t.Singular} {mergedId} does not exist");
        if (primary == merged)
        {
            throw ApiException.Validation("A record cannot be merged into itself.");
        }

        return Merge(t, primary, merged, NextWriteMs());
    });

    /// <summary>
    /// Takes an archived record out of the recycle bin, as a person does in HubSpot's UI (the public API has no call for
    /// it). Its modification date does not change: whether HubSpot's does is not documented, so the sync must not need it.
    /// </summary>
    public void RestoreRecord(string objectType, string id) => Write(() =>
    {
        var t = ResolveType(objectType);
        var r = FindRecord(t, id, null, archived: true) ?? throw ApiException.NotFound($"No archived {t.Singular} {id}");
        if (r.MergedInto != 0)
        {
            throw ApiException.Validation($"{t.Singular} {id} was merged into {r.MergedInto.ToString(CultureInfo.InvariantCulture)}; a merged record cannot be restored.");
        }

        foreach (var (name, index) in t.Unique)
        {
            if (r.Get(t.Properties[name].Slot) is { } v && index.TryGetValue(v, out var holder) && holder != r)
            {
                throw ApiException.Conflict($"A live {t.Singular} {holder.Id.ToString(CultureInfo.InvariantCulture)} holds {name} \"{v}\" now.");
            }
        }

        var now = NextWriteMs();
        BeforeIndexedChange(r, now);
        r.Archived = false;
        r.ArchivedAt = 0;
        t.ArchivedIds.Remove(r.Id);
        t.LiveCount++;
        foreach (var (name, index) in t.Unique)
        {
            if (r.Get(t.Properties[name].Slot) is { } v)
            {
                index[v] = r;
            }
        }

        AfterIndexedChange(r, now);
        Emit(new StoreChange(StoreChangeKind.Restore, t, r.Id, now, "CRM"));
        return 0;
    });

    private static IEnumerable<long> Split(string? ids) =>
        (ids ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0);
}
