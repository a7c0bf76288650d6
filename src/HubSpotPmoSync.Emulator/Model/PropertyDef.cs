namespace HubSpotPmoSync.Emulator.Model;

internal sealed record PropertyOption(string Label, string Value, int DisplayOrder, bool Hidden, string? Description);

/// <summary>A property definition of one object type. <see cref="Slot"/> indexes the record's value array.</summary>
internal sealed class PropertyDef
{
    public static readonly IReadOnlyDictionary<string, string[]> FieldTypesByType = new Dictionary<string, string[]>
    {
        ["string"] = ["text", "textarea", "html", "phonenumber", "file", "calculation_equation"],
        ["number"] = ["number", "calculation_equation"],
        ["date"] = ["date"],
        ["datetime"] = ["date"],
        ["enumeration"] = ["select", "radio", "checkbox", "booleancheckbox", "calculation_equation"],
        ["bool"] = ["booleancheckbox", "calculation_equation"],
        ["phone_number"] = ["phonenumber", "text"],
    };

    public required string Name { get; init; }

    public required string Label { get; set; }

    public required string Type { get; set; }

    public required string FieldType { get; set; }

    public required string GroupName { get; set; }

    public string Description { get; set; } = string.Empty;

    public List<PropertyOption> Options { get; set; } = [];

    public int DisplayOrder { get; set; } = -1;

    public bool HasUniqueValue { get; init; }

    public bool Hidden { get; set; }

    public bool FormField { get; set; }

    public bool HubspotDefined { get; init; }

    public bool Calculated { get; init; }

    /// <summary>Maintained by the emulator itself (id, create and modification dates): writes are refused.</summary>
    public bool ReadOnlyValue { get; init; }

    public bool Archived { get; set; }

    public long? ArchivedAt { get; set; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; set; }

    public int Slot { get; init; }

    public bool IsNumeric => Type is "number";

    public bool IsTime => Type is "date" or "datetime";

    public bool IsEnumeration => Type is "enumeration" or "bool";

    public bool AllowsMultiple => Type == "enumeration" && FieldType == "checkbox";
}
