namespace HubSpotPmoSync.Emulator.Model;

/// <summary>An association type (one direction): HubSpot-defined (unlabelled or primary) or a user-defined label.</summary>
internal sealed class AssocTypeDef
{
    public required int TypeId { get; init; }

    public required int FromKey { get; init; }

    public required int ToKey { get; init; }

    public required string Category { get; init; }

    /// <summary>Null for the unlabelled type; "Primary" for primary types; the label for user-defined ones.</summary>
    public string? Label { get; set; }

    /// <summary>The v3 name (<c>deal_to_company</c>, <c>deal_to_company_unlabeled</c>) or the label's internal name.</summary>
    public required string Name { get; set; }

    public int InverseTypeId { get; set; }

    /// <summary>For a primary type: true when the source may hold it once per target type (a deal has one primary company).</summary>
    public bool ConstrainsFrom { get; set; }

    public bool IsUnlabelled => Category == "HUBSPOT_DEFINED" && Label is null;

    public bool IsPrimary => Category == "HUBSPOT_DEFINED" && Label == "Primary";
}

/// <summary>Links of one record to one other record, with the type ids of this direction (sorted).</summary>
internal sealed class AssocEntry(long toId, int toKey, int[] typeIds)
{
    public long ToId { get; } = toId;

    public int ToKey { get; } = toKey;

    public int[] TypeIds { get; set; } = typeIds;
}

/// <summary>
/// Both directions of every association, keyed by the source record id (ids are unique across object types).
/// Entries are kept per source in ascending target id order so reads page stably.
/// </summary>
internal sealed class AssociationStore
{
    private readonly Dictionary<long, List<AssocEntry>> _byFrom = [];
    private readonly Dictionary<long, int[]> _internedTypeIds = [];

    public int EntryCount { get; private set; }

    public IEnumerable<(long FromId, AssocEntry Entry)> All()
    {
        foreach (var (from, list) in _byFrom)
        {
            foreach (var e in list)
            {
                yield return (from, e);
            }
        }
    }

    public void Clear()
    {
        _byFrom.Clear();
        EntryCount = 0;
    }

    public IReadOnlyList<AssocEntry> From(long fromId) =>
        _byFrom.TryGetValue(fromId, out var list) ? list : [];

    public AssocEntry? Find(long fromId, int toKey, long toId)
    {
        if (!_byFrom.TryGetValue(fromId, out var list))
        {
            return null;
        }

        var i = Search(list, toKey, toId);
        return i >= 0 ? list[i] : null;
    }

    /// <summary>Sets the type ids of one direction (an empty set removes the link in that direction).</summary>
    public void SetTypes(long fromId, int toKey, long toId, IEnumerable<int> typeIds)
    {
        var sorted = typeIds.Distinct().Order().ToArray();
        if (!_byFrom.TryGetValue(fromId, out var list))
        {
            if (sorted.Length == 0)
            {
                return;
            }

            list = new List<AssocEntry>(2);
            _byFrom[fromId] = list;
        }

        var i = Search(list, toKey, toId);
        if (sorted.Length == 0)
        {
            if (i >= 0)
            {
                list.RemoveAt(i);
                EntryCount--;
                if (list.Count == 0)
                {
                    _byFrom.Remove(fromId);
                }
            }

            return;
        }

        var interned = Intern(sorted);
        if (i >= 0)
        {
            list[i].TypeIds = interned;
        }
        else
        {
            list.Insert(~i, new AssocEntry(toId, toKey, interned));
            EntryCount++;
        }
    }

    private int[] Intern(int[] sorted)
    {
        if (sorted.Length > 2)
        {
            return sorted;
        }

        var key = sorted.Length == 1 ? sorted[0] : ((long)sorted[0] << 32) | (uint)sorted[1];
        key = sorted.Length == 1 ? key : key | long.MinValue;
        if (!_internedTypeIds.TryGetValue(key, out var shared))
        {
            shared = sorted;
            _internedTypeIds[key] = shared;
        }

        return shared;
    }

    private static int Search(List<AssocEntry> list, int toKey, long toId)
    {
        int lo = 0, hi = list.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var e = list[mid];
            var c = e.ToId != toId ? e.ToId.CompareTo(toId) : e.ToKey.CompareTo(toKey);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
