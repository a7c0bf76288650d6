using System.Globalization;
using HubSpotPmoSync.Emulator.Api;

namespace HubSpotPmoSync.Emulator.Model;

/// <summary>Association writes. Both directions are always stored; each direction's type ids are the other's inverses.</summary>
internal sealed partial class CrmStore
{
    public AssocTypeDef RequireAssocType(ObjectTypeDef from, ObjectTypeDef to, int typeId)
    {
        if (AssocTypes.TryGetValue(typeId, out var def) && def.FromKey == from.Key && def.ToKey == to.Key)
        {
            return def;
        }

        throw ApiException.Validation(
            $"associationTypeId {typeId} is not valid from {from.Singular} ({from.ObjectTypeId}) to {to.Singular} ({to.ObjectTypeId}).",
            new ErrorDetail($"invalid association type {typeId}", "INVALID_ASSOCIATION_TYPE",
                new Dictionary<string, string[]> { ["typeId"] = [typeId.ToString(CultureInfo.InvariantCulture)] }));
    }

    public AssocTypeDef RequireUnlabelled(ObjectTypeDef from, ObjectTypeDef to) =>
        UnlabelledType(from, to) ?? throw ApiException.Validation(
            $"{from.Name} and {to.Name} cannot be associated: no association type is defined between {from.ObjectTypeId} and {to.ObjectTypeId}.");

    /// <summary>
    /// Links two records. <paramref name="replace"/> (labelled create): the pair's labels become exactly the given ones plus the
    /// unlabelled type; otherwise the given types are added. A primary type moves away from the record's previous primary.
    /// </summary>
    public bool Link(ObjectTypeDef from, long fromId, ObjectTypeDef to, long toId, IReadOnlyCollection<AssocTypeDef> types, bool replace)
    {
        var unlabelled = RequireUnlabelled(from, to);
        var existing = Associations.Find(fromId, to.Key, toId)?.TypeIds ?? [];
        var set = new SortedSet<int>(replace ? [] : existing) { unlabelled.TypeId };
        foreach (var t in types)
        {
            set.Add(t.TypeId);
        }

        if (set.SetEquals(existing))
        {
            return false;
        }

        foreach (var id in set)
        {
            var def = AssocTypes[id];
            if (!def.IsPrimary)
            {
                continue;
            }

            if (def.ConstrainsFrom)
            {
                DropPrimaryElsewhere(fromId, to.Key, toId, def);
            }
            else
            {
                DropPrimaryElsewhere(toId, from.Key, fromId, AssocTypes[def.InverseTypeId]);
            }
        }

        SetBoth(fromId, from.Key, toId, to.Key, set);
        return true;
    }

    private void DropPrimaryElsewhere(long ownerId, int otherKey, long keepId, AssocTypeDef primary)
    {
        foreach (var e in Associations.From(ownerId).Where(e => e.ToKey == otherKey && e.ToId != keepId && e.TypeIds.Contains(primary.TypeId)).ToList())
        {
            SetBoth(ownerId, AssocTypes[primary.TypeId].FromKey, e.ToId, otherKey, e.TypeIds.Where(i => i != primary.TypeId));
        }
    }

    private void SetBoth(long fromId, int fromKey, long toId, int toKey, IEnumerable<int> forward)
    {
        var f = forward.ToList();
        var existed = Associations.Find(fromId, toKey, toId) is { TypeIds.Length: > 0 };
        Associations.SetTypes(fromId, toKey, toId, f);
        EmitLinkChange(fromId, fromKey, toId, toKey, existed, f);
        Associations.SetTypes(toId, fromKey, fromId, f.Select(i => AssocTypes[i].InverseTypeId));
    }

    /// <summary>Removes every link between two records (both directions).</summary>
    public bool Unlink(ObjectTypeDef from, long fromId, ObjectTypeDef to, long toId)
    {
        if (Associations.Find(fromId, to.Key, toId) is null)
        {
            return false;
        }

        SetBoth(fromId, from.Key, toId, to.Key, []);
        return true;
    }

    /// <summary>Removes some labels; removing the unlabelled type removes every link of the pair (as in HubSpot).</summary>
    public bool RemoveLabels(ObjectTypeDef from, long fromId, ObjectTypeDef to, long toId, IReadOnlyCollection<AssocTypeDef> types)
    {
        var entry = Associations.Find(fromId, to.Key, toId);
        if (entry is null)
        {
            return false;
        }

        if (types.Any(t => t.IsUnlabelled))
        {
            return Unlink(from, fromId, to, toId);
        }

        var remaining = entry.TypeIds.Where(id => !types.Any(t => t.TypeId == id)).ToList();
        if (remaining.Count == entry.TypeIds.Length)
        {
            return false;
        }

        SetBoth(fromId, from.Key, toId, to.Key, remaining);
        return true;
    }

    /// <summary>Removes a label type everywhere (label delete).</summary>
    public void DropAssocType(AssocTypeDef def)
    {
        foreach (var (fromId, e) in Associations.All().Where(x => x.Entry.TypeIds.Contains(def.TypeId)).ToList())
        {
            SetBoth(fromId, def.FromKey, e.ToId, e.ToKey, e.TypeIds.Where(i => i != def.TypeId));
        }

        AssocTypes.Remove(def.TypeId);
        AssocTypes.Remove(def.InverseTypeId);
    }

    /// <summary>Whether a record is a live (not archived) record of the type.</summary>
    public static bool IsLive(ObjectTypeDef t, long id) => t.Find(id) is { Archived: false };
}
