namespace HubSpotPmoSync.Core.Crm;

/// <summary>One option of an enumeration property.</summary>
public sealed record CrmPropertyOption(string Value, string Label, int DisplayOrder = 0, bool Hidden = false);

/// <summary>A HubSpot property definition.</summary>
/// <param name="Name">Internal name.</param>
/// <param name="Label">Label shown in HubSpot.</param>
/// <param name="Type">HubSpot type: string, number, date, datetime, enumeration, bool.</param>
/// <param name="FieldType">HubSpot field type: text, textarea, number, date, select, booleancheckbox …</param>
/// <param name="GroupName">Property group.</param>
/// <param name="HasUniqueValue">Whether values are unique (usable as idProperty).</param>
/// <param name="ReadOnlyValue">Whether values cannot be written through the API.</param>
/// <param name="Calculated">Whether HubSpot calculates the value.</param>
/// <param name="HubSpotDefined">Whether it is one of HubSpot's own properties.</param>
public sealed record CrmPropertyDefinition(
    string Name,
    string Label,
    string Type,
    string FieldType,
    string GroupName,
    bool HasUniqueValue = false,
    bool ReadOnlyValue = false,
    bool Calculated = false,
    bool HubSpotDefined = false,
    string? Description = null,
    IReadOnlyList<CrmPropertyOption>? Options = null);

/// <summary>A property group.</summary>
public sealed record CrmPropertyGroup(string Name, string Label, int DisplayOrder = 0);

/// <summary>A custom object schema (or the definition to create one).</summary>
/// <param name="ObjectTypeId">e.g. <c>2-3465404</c>; empty on a definition to create.</param>
/// <param name="FullyQualifiedName">e.g. <c>p1234_projects</c>; empty on a definition to create.</param>
public sealed record CrmObjectSchema(
    string Name,
    string SingularLabel,
    string PluralLabel,
    string PrimaryDisplayProperty,
    IReadOnlyList<string> RequiredProperties,
    IReadOnlyList<CrmPropertyDefinition> Properties,
    IReadOnlyList<string> AssociatedObjects,
    string ObjectTypeId = "",
    string FullyQualifiedName = "");

/// <summary>A pipeline stage. <paramref name="IsClosed"/> and <paramref name="Probability"/> come from stage metadata.</summary>
public sealed record CrmPipelineStage(string Id, string Label, int DisplayOrder, bool IsClosed, decimal? Probability);

/// <summary>A pipeline with its stages.</summary>
public sealed record CrmPipeline(string Id, string Label, IReadOnlyList<CrmPipelineStage> Stages);
