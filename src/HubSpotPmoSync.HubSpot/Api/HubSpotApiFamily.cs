using System.Text.RegularExpressions;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>
/// The path family the client calls (<c>HubSpot:ApiVersion</c>). The Refit interfaces are written for the dated family
/// (<c>/crm/objects/{version}/…</c>); <see cref="ToLegacy"/> maps a dated path onto the numeric one, for
/// <see cref="LegacyPathHandler"/> and for the route templates calls are counted under.
/// </summary>
internal sealed partial class HubSpotApiFamily
{
    private HubSpotApiFamily(string name)
    {
        Name = name;
        IsLegacy = name == HubSpotApiVersions.Legacy;

        // The interfaces carry a date in every path; under legacy it is the one the handler rewrites from.
        PathVersion = IsLegacy ? HubSpotApiVersions.V202603 : name;
    }

    /// <summary>The configured value: <c>2026-03</c>, <c>2026-09</c> or <c>legacy</c>.</summary>
    public string Name { get; }

    /// <summary>Whether calls go to the numeric family (<c>/crm/v3</c>, <c>/crm/v4</c>).</summary>
    public bool IsLegacy { get; }

    /// <summary>The date put in the <c>{version}</c> segment of the interfaces' paths.</summary>
    public string PathVersion { get; }

    /// <summary>The family of a validated <c>HubSpot:ApiVersion</c> value.</summary>
    public static HubSpotApiFamily Of(string? apiVersion) => new(HubSpotApiVersions.IsKnown(apiVersion) ? apiVersion! : HubSpotApiVersions.Default);

    public static HubSpotApiFamily Of(HubSpotOptions options) => Of(options.ApiVersion);

    /// <summary>
    /// The route template a call is counted and logged under, in the family actually called:
    /// <c>Route("POST", "/crm/objects/{version}/{objectType}/search")</c> is <c>POST /crm/objects/2026-03/{objectType}/search</c>,
    /// or <c>POST /crm/v3/objects/{objectType}/search</c> under legacy.
    /// </summary>
    public string Route(string method, string datedTemplate)
    {
        var path = datedTemplate.Replace("{version}", PathVersion, StringComparison.Ordinal);
        return $"{method} {(IsLegacy ? ToLegacy(path) : path)}";
    }

    /// <summary>The path of <paramref name="datedTemplate"/> (with <c>{version}</c>) in this family, e.g. for a probe.</summary>
    public string Path(string datedTemplate)
    {
        var path = datedTemplate.Replace("{version}", PathVersion, StringComparison.Ordinal);
        return IsLegacy ? ToLegacy(path) : path;
    }

    /// <summary>
    /// Maps a dated path (any date) onto the numeric family; other paths are returned unchanged. The table is
    /// API-FACTS §16: objects, search and batch → <c>/crm/v3/objects</c>; a record's association links →
    /// <c>/crm/v4/objects</c>; association batch and labels → <c>/crm/v4/associations</c>; properties and
    /// pipelines → <c>/crm/v3/…</c>; schemas → <c>/crm-object-schemas/v3</c>; daily usage → <c>/account-info/v3</c>.
    /// </summary>
    public static string ToLegacy(string path)
    {
        var links = ObjectLinks().Match(path);
        if (links.Success)
        {
            return path[..links.Index] + "/crm/v4/objects/" + links.Groups["rest"].Value;
        }

        var dated = DatedPrefix().Match(path);
        if (!dated.Success)
        {
            return path;
        }

        var legacy = dated.Groups["api"].Value switch
        {
            "crm/objects" => "crm/v3/objects",
            "crm/properties" => "crm/v3/properties",
            "crm/pipelines" => "crm/v3/pipelines",
            "crm/associations" => "crm/v4/associations",
            "crm-object-schemas" => "crm-object-schemas/v3",
            "account-info" => "account-info/v3",
            _ => throw new InvalidOperationException("unreachable"),
        };
        return path[..dated.Index] + "/" + legacy + "/" + path[(dated.Index + dated.Length)..];
    }

    [GeneratedRegex(@"/crm/objects/\d{4}-\d{2}(?:-beta)?/(?<rest>[^/?]+/[^/?]+/associations(?:[/?].*)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectLinks();

    [GeneratedRegex(@"/(?<api>crm/objects|crm/properties|crm/pipelines|crm/associations|crm-object-schemas|account-info)/\d{4}-\d{2}(?:-beta)?/", RegexOptions.CultureInvariant)]
    private static partial Regex DatedPrefix();
}
