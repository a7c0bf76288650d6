namespace HubSpotPmoSync.Emulator.Model;

internal sealed record PropertyGroup(string Name, string Label, int DisplayOrder, bool Archived);

/// <summary>An object type (standard, the native projects object, or a custom object) with its schema and its records.</summary>
internal sealed class ObjectTypeDef
{
    private readonly List<CrmRecord> _records = [];

    public required int Key { get; init; }

    public required string ObjectTypeId { get; init; }

    /// <summary>Plural API name (<c>deals</c>; the schema name for custom objects).</summary>
    public required string Name { get; init; }

    public required string Singular { get; init; }

    public string? FullyQualifiedName { get; init; }

    public bool IsCustom { get; init; }

    public long SchemaId { get; init; }

    public string LabelSingular { get; set; } = string.Empty;

    public string LabelPlural { get; set; } = string.Empty;

    public string? Description { get; set; }

    public string? PrimaryDisplayProperty { get; set; }

    public List<string> SecondaryDisplayProperties { get; set; } = [];

    public List<string> SearchableProperties { get; set; } = [];

    public List<string> RequiredProperties { get; set; } = [];

    /// <summary>At least one of these must be set on create (companies: name or domain).</summary>
    public List<string> RequiredAnyOf { get; init; } = [];

    public List<string> DefaultProperties { get; init; } = [];

    /// <summary>Properties searched by a free-text <c>query</c>.</summary>
    public List<string> QueryProperties { get; init; } = [];

    public string LastModifiedProperty { get; init; } = "hs_lastmodifieddate";

    /// <summary>Record property holding the pipeline id (<c>pipeline</c>, <c>hs_pipeline</c>), or null without pipelines.</summary>
    public string? PipelineProperty { get; init; }

    public string? StageProperty { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; set; }

    public bool Archived { get; set; }

    public Dictionary<string, PropertyDef> Properties { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PropertyGroup> Groups { get; } = new(StringComparer.Ordinal);

    public List<Pipeline> Pipelines { get; } = [];

    /// <summary>hasUniqueValue property name → value → live record.</summary>
    public Dictionary<string, Dictionary<string, CrmRecord>> Unique { get; } = new(StringComparer.Ordinal);

    public SortedSet<long> ArchivedIds { get; } = [];

    public int SlotCount { get; private set; }

    /// <summary>Records in ascending id order (ids come from one increasing counter, so appends keep it sorted).</summary>
    public IReadOnlyList<CrmRecord> Records => _records;

    public int LiveCount { get; set; }

    public int NextSlot() => SlotCount++;

    public void Append(CrmRecord record)
    {
        if (_records.Count > 0 && _records[^1].Id >= record.Id)
        {
            throw new InvalidOperationException("record ids must grow");
        }

        _records.Add(record);
    }

    public void EnsureCapacity(int extra) => _records.EnsureCapacity(_records.Count + extra);

    public int IndexOfFirstAtOrAfter(long id)
    {
        int lo = 0, hi = _records.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_records[mid].Id < id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public CrmRecord? Find(long id)
    {
        var i = IndexOfFirstAtOrAfter(id);
        return i < _records.Count && _records[i].Id == id ? _records[i] : null;
    }

    public PropertyDef? Property(string name) =>
        Properties.TryGetValue(name, out var p) && !p.Archived ? p : null;

    public Pipeline? Pipeline(string id) => Pipelines.Find(p => p.Id == id && !p.Archived);
}
