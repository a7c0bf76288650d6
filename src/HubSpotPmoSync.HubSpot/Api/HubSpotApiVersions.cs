namespace HubSpotPmoSync.HubSpot;

/// <summary>
/// The values of <c>HubSpot:ApiVersion</c>: the path family every call goes to. HubSpot ships a date version every
/// March and September; each is supported for 18 months after its release. The legacy numeric family (<c>/crm/v3</c>,
/// <c>/crm/v4</c>) is on its way out: v4 (associations among it) is unsupported from 2027-03-30, v1–v3 from September 2027.
/// </summary>
public static class HubSpotApiVersions
{
    /// <summary>The 2026-03 date version (released 2026-03-30, supported until about 2027-09). The default.</summary>
    public const string V202603 = "2026-03";

    /// <summary>The 2026-09 date version (released 2026-09-08).</summary>
    public const string V202609 = "2026-09";

    /// <summary>The numeric family: <c>/crm/v3</c> objects, properties, pipelines and schemas, <c>/crm/v4</c> associations.</summary>
    public const string Legacy = "legacy";

    /// <summary>The default value of <c>HubSpot:ApiVersion</c>.</summary>
    public const string Default = V202603;

    /// <summary>Every accepted value, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [V202603, V202609, Legacy];

    /// <summary>Whether <paramref name="value"/> is one of <see cref="All"/> (exact, lower case).</summary>
    public static bool IsKnown(string? value) => value is V202603 or V202609 or Legacy;
}
