namespace HubSpotPmoSync.Core.Delivery;

/// <summary>The type of a field of the local delivery model.</summary>
public enum LocalFieldType
{
    /// <summary>Free text, kept as HubSpot sends it.</summary>
    Text,

    /// <summary>A decimal number.</summary>
    Number,

    /// <summary>An amount of money (a decimal; the currency is a separate field).</summary>
    Money,

    /// <summary>A calendar date (no time of day).</summary>
    Date,

    /// <summary>An instant in UTC.</summary>
    DateTime,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>One value of a fixed set.</summary>
    Enum,
}

/// <summary>
/// One field of the local delivery model.
/// </summary>
/// <param name="Name">The local name used in mappings (snake_case).</param>
/// <param name="Type">The field's type.</param>
/// <param name="Computed">Computed by the product (health, rollups): only ever written to HubSpot, never read from it.</param>
/// <param name="Required">The typed entity cannot be built without it, so a mapping must map it inbound.</param>
/// <param name="AllowedValues">For <see cref="LocalFieldType.Enum"/> fields with a fixed set: the values allowed.</param>
public sealed record LocalField(
    string Name,
    LocalFieldType Type,
    bool Computed = false,
    bool Required = false,
    IReadOnlyList<string>? AllowedValues = null)
{
    /// <summary>The lower-case name of a type as written in mappings and messages.</summary>
    public static string TypeName(LocalFieldType type) => type switch
    {
        LocalFieldType.Text => "text",
        LocalFieldType.Number => "number",
        LocalFieldType.Money => "money",
        LocalFieldType.Date => "date",
        LocalFieldType.DateTime => "datetime",
        LocalFieldType.Bool => "bool",
        LocalFieldType.Enum => "enum",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
