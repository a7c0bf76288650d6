namespace HubSpotPmoSync.Emulator.Model;

/// <summary>
/// One CRM record, kept compact for the 1M-object target: id and times as longs, property values in an array indexed by
/// the type's property slot (values of small-cardinality properties are interned), no per-record dictionaries.
/// </summary>
internal sealed class CrmRecord
{
    public CrmRecord(long id, long createdAt, string?[] values)
    {
        Id = id;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
        Values = values;
    }

    public long Id { get; }

    public long CreatedAt { get; }

    public long UpdatedAt { get; set; }

    public long ArchivedAt { get; set; }

    public bool Archived { get; set; }

    /// <summary>The survivor's id when this record was merged away (archived by the merge; it cannot be restored); 0 otherwise.</summary>
    public long MergedInto { get; set; }

    public string?[] Values { get; set; }

    /// <summary>
    /// Search-index versions still waiting to become visible (only with an index lag). Null when search sees the
    /// current state.
    /// </summary>
    public List<IndexedVersion>? Pending { get; set; }

    /// <summary>The version search shows while newer ones are pending; <see cref="IndexedVersion.NotIndexed"/> for a fresh create.</summary>
    public IndexedVersion? Visible { get; set; }

    public string? Get(int slot) => slot < Values.Length ? Values[slot] : null;

    public void Set(int slot, string? value)
    {
        if (slot >= Values.Length)
        {
            if (value is null)
            {
                return;
            }

            var grown = new string?[slot + 4];
            Values.CopyTo(grown, 0);
            Values = grown;
        }

        Values[slot] = value;
    }

    public IndexedVersion Snapshot(long visibleAt) => new(visibleAt, (string?[])Values.Clone(), UpdatedAt, Archived, false);
}

/// <summary>A version of a record as the (lagging) search index holds it.</summary>
internal sealed record IndexedVersion(long VisibleAt, string?[] Values, long UpdatedAt, bool Archived, bool Missing)
{
    public static readonly IndexedVersion NotIndexed = new(0, [], 0, false, true);

    public string? Get(int slot) => slot < Values.Length ? Values[slot] : null;
}
