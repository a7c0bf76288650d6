using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Mapping;

/// <summary>Which way a mapped field flows.</summary>
public enum MappingDirection
{
    /// <summary>HubSpot → local model.</summary>
    Inbound,

    /// <summary>Local model → HubSpot.</summary>
    Outbound,

    /// <summary>Both ways; conflicts are settled by the field's <see cref="ConflictPolicy"/>.</summary>
    Both,
}

/// <summary>
/// Who wins when HubSpot holds a value someone else put there that differs from the local one: for a
/// <see cref="MappingDirection.Both"/> field changed on both sides, and for an outbound field (computed ones too)
/// a person typed over. Unset, outbound fields use <see cref="LocalWins"/> and both fields <see cref="HubSpotWins"/>.
/// </summary>
public enum ConflictPolicy
{
    /// <summary>HubSpot's value is kept; the worker still fills a property nobody wrote and updates its own value.</summary>
    HubSpotWins,

    /// <summary>The local value is written over HubSpot's (for a computed field: the computed value is restored).</summary>
    LocalWins,

    /// <summary>The later change wins: a person's edit stands until the local value changes after it.</summary>
    NewestWins,
}

/// <summary>How a HubSpot string value becomes a typed local value.</summary>
public enum TransformKind
{
    /// <summary>No transform: the string as HubSpot sends it (text and enum fields).</summary>
    None,
    Number,
    Money,
    Date,
    DateTime,
    Bool,

    /// <summary>An explicit map from HubSpot option values to local enum values.</summary>
    EnumMap,
}

/// <summary>A field transform; <see cref="EnumMap"/> is set only for <see cref="TransformKind.EnumMap"/> (HubSpot value → local value).</summary>
public sealed record FieldTransform(TransformKind Kind, IReadOnlyDictionary<string, string>? EnumMap = null)
{
    public static FieldTransform None { get; } = new(TransformKind.None);

    /// <summary>The name as written in mappings: number, money, date, datetime, bool, enum, or "none".</summary>
    public string Name => Kind switch
    {
        TransformKind.None => "none",
        TransformKind.Number => "number",
        TransformKind.Money => "money",
        TransformKind.Date => "date",
        TransformKind.DateTime => "datetime",
        TransformKind.Bool => "bool",
        TransformKind.EnumMap => "enum",
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>One mapped field.</summary>
/// <param name="HubSpot">The HubSpot property name.</param>
/// <param name="Local">The local field name (see <see cref="DeliveryFieldCatalog"/>).</param>
/// <param name="JsonPath">Where the field is in the mappings file, e.g. <c>$.objects.deals.fields[3]</c>.</param>
public sealed record FieldMapping(
    string HubSpot,
    string Local,
    MappingDirection Direction,
    ConflictPolicy Conflict,
    FieldTransform Transform,
    LocalField LocalField,
    string JsonPath)
{
    /// <summary>Whether HubSpot's value flows into the local model (inbound or both).</summary>
    public bool IsInbound => Direction != MappingDirection.Outbound;

    /// <summary>Whether the local value flows to HubSpot (outbound or both).</summary>
    public bool IsOutbound => Direction != MappingDirection.Inbound;
}

/// <summary>Keep only records whose <paramref name="Property"/> holds one of <paramref name="In"/>; the others are excluded (ledger status excluded).</summary>
public sealed record PropertyFilter(string Property, IReadOnlyList<string> In, string JsonPath);

/// <summary>How one local entity kind maps to a HubSpot object.</summary>
/// <param name="HubSpotObject">The HubSpot object: a name (<c>deals</c>), an id (<c>0-3</c>, <c>2-123</c>), a fully qualified name (<c>p123_projects</c>) or <c>projects</c>.</param>
/// <param name="KeyProperty">The HubSpot property that identifies a record (<c>hs_object_id</c>, or a unique property such as <c>project_code</c>).</param>
public sealed record ObjectMapping(
    EntityKind Kind,
    string HubSpotObject,
    string KeyProperty,
    IReadOnlyList<PropertyFilter> Filters,
    IReadOnlyList<FieldMapping> Fields,
    string JsonPath)
{
    /// <summary>The fields read from HubSpot.</summary>
    public IEnumerable<FieldMapping> InboundFields => Fields.Where(f => f.IsInbound);

    /// <summary>
    /// Every HubSpot property the sync reads and stores, sorted: all mapped properties (outbound ones too, so the
    /// write-back knows what HubSpot holds), the key property (unless it is the record id itself) and the filter
    /// properties. The export shows exactly these.
    /// </summary>
    public IReadOnlyList<string> StoredProperties { get; } = Fields.Select(f => f.HubSpot)
        .Concat(KeyProperty == "hs_object_id" ? [] : [KeyProperty])
        .Concat(Filters.Select(f => f.Property))
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// A stable digest of everything that changes how a record of this object is stored; part of each
    /// record's content hash, so a mapping change re-applies the transforms.
    /// </summary>
    public string Fingerprint { get; } = string.Join(
        "|",
        new[] { HubSpotObject, KeyProperty }
            .Concat(Filters.Select(f => f.Property + "=" + string.Join(",", f.In)))
            .Concat(Fields.Select(f => string.Join(
                ":",
                f.HubSpot,
                f.Local,
                f.Direction.ToString(),
                f.Transform.Name,
                f.Transform.EnumMap is null ? "" : string.Join(",", f.Transform.EnumMap.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ">" + p.Value))))));
}

/// <summary>A pair of entity kinds whose associations are read (v4 batch read from <paramref name="From"/> to <paramref name="To"/>).</summary>
public sealed record AssociationPair(EntityKind From, EntityKind To, string JsonPath);

/// <summary>A validated mappings file.</summary>
public sealed class MappingSet
{
    private readonly IReadOnlyDictionary<string, (int Line, int Column)> _positions;

    internal MappingSet(
        string file,
        IReadOnlyDictionary<EntityKind, ObjectMapping> objects,
        IReadOnlyList<AssociationPair> associations,
        IReadOnlyDictionary<string, (int Line, int Column)> positions)
    {
        File = file;
        Objects = objects;
        Associations = associations;
        _positions = positions;
    }

    /// <summary>The file the mappings were read from.</summary>
    public string File { get; }

    /// <summary>The mapped objects (a subset of the four kinds may be mapped).</summary>
    public IReadOnlyDictionary<EntityKind, ObjectMapping> Objects { get; }

    /// <summary>The association pairs read by the sync.</summary>
    public IReadOnlyList<AssociationPair> Associations { get; }

    /// <summary>Creates a set in code (tests, defaults); no file positions.</summary>
    public static MappingSet Create(IEnumerable<ObjectMapping> objects, IEnumerable<AssociationPair> associations, string file = "(code)") =>
        new(file, objects.ToDictionary(o => o.Kind), associations.ToArray(), new Dictionary<string, (int, int)>());

    /// <summary>The mapping of a kind, or null when the kind is not mapped.</summary>
    public ObjectMapping? For(EntityKind kind) => Objects.TryGetValue(kind, out var m) ? m : null;

    /// <summary>Builds an error located at a JSON path of the file (with line and column when known).</summary>
    public MappingError ErrorAt(string jsonPath, string message, MappingSeverity severity = MappingSeverity.Error)
    {
        var found = _positions.TryGetValue(jsonPath, out var pos);
        return new MappingError(File, jsonPath, found ? pos.Line : null, found ? pos.Column : null, message, severity);
    }
}
