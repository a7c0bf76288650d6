using System.Globalization;
using HubSpotPmoSync.Emulator.Api;

namespace HubSpotPmoSync.Emulator.Model;

/// <summary>
/// A minimal record merge in the store, as HubSpot does it: the merged-away record is archived, its links move to the
/// survivor, the survivor lists it in <c>hs_merged_object_ids</c> (when the type has that property), and one
/// <c>merge</c> change is told.
/// </summary>
internal sealed partial class CrmStore
{
    /// <summary>Merges <paramref name="mergedId"/> into <paramref name="primaryId"/> (both live records of the type).</summary>
    public void MergeRecords(string objectType, string primaryId, string mergedId) => Write(() =>
    {
        var t = ResolveType(objectType);
        var primary = FindRecord(t, primaryId, null, archived: false) ?? throw ApiException.NotFound($"{t.Singular} {primaryId} does not exist");
        var merged = FindRecord(t, mergedId, null, archived: false) ?? throw ApiException.NotFound($"{t.Singular} {mergedId} does not exist");
        if (primary == merged)
        {
            throw ApiException.Validation("A record cannot be merged into itself.");
        }

        var now = NextWriteMs();
        foreach (var entry in Associations.From(merged.Id).ToList())
        {
            var to = _types[entry.ToKey];
            if (entry.ToId != primary.Id)
            {
                var kept = entry.TypeIds.Select(id => AssocTypes[id]).Where(d => !d.IsPrimary).ToList();
                Link(t, primary.Id, to, entry.ToId, kept, replace: false);
            }

            Unlink(t, merged.Id, to, entry.ToId);
        }

        ArchiveRecord(t, merged, now, notify: false);
        BeforeIndexedChange(primary, now);
        if (t.Property("hs_merged_object_ids") is { } list)
        {
            var ids = primary.Get(list.Slot) is { Length: > 0 } before ? before + ";" : string.Empty;
            primary.Set(list.Slot, ids + merged.Id.ToString(CultureInfo.InvariantCulture));
        }

        primary.UpdatedAt = now;
        AfterIndexedChange(primary, now);
        Emit(new StoreChange(StoreChangeKind.Merge, t, primary.Id, now, "CRM") { MergedIds = [merged.Id] });
    });
}
