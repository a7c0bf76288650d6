using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.HubSpot.Diagnostics;

/// <summary>
/// The scopes a token needs for a mappings file (API-FACTS §16): read scopes for every mapped object, write scopes for the
/// objects the worker writes (outbound or both fields, kickoff creating projects), schema read for the properties it
/// checks, and, for <c>schema apply</c>, schema write (<c>crm.schemas.custom.write</c> for a custom project object).
/// </summary>
public static class HubSpotScopes
{
    private enum Need
    {
        Read,
        Write,
        SchemaRead,
        SchemaWrite,
    }

    /// <summary>
    /// The scopes <paramref name="mappings"/> need, one requirement per scope in a stable order (by object, then read,
    /// write, schema read, schema write), each with the cheapest probe and the reasons.
    /// </summary>
    /// <param name="mappings">The validated mappings.</param>
    /// <param name="forSchemaApply">Add what <c>schema apply</c> needs: schema write on the types that get properties
    /// (deals, companies, the project object, and any type with outbound fields) and the custom object schema.</param>
    public static IReadOnlyList<HubSpotScopeRequirement> Required(MappingSet mappings, bool forSchemaApply)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        var needs = new List<(string Scope, HubSpotScopeProbe Probe, string ObjectType, string Reason)>();

        foreach (var kind in EntityKinds.All)
        {
            if (mappings.For(kind) is not { } mapping)
            {
                continue;
            }

            var type = mapping.HubSpotObject;
            var noun = Noun(kind, type);
            Add(needs, type, Need.Read, $"read {noun}");
            if (mapping.Fields.Any(f => f.IsOutbound))
            {
                Add(needs, type, Need.Write, kind == EntityKind.Project ? $"push health to {noun}" : $"push rollups to {noun}");
            }

            if (kind == EntityKind.Project && mappings.For(EntityKind.Deal) is not null)
            {
                Add(needs, type, Need.Write, $"create {noun} for won deals (kickoff) and link them");
            }

            Add(needs, type, Need.SchemaRead, $"check the properties of {noun}");
        }

        if (forSchemaApply)
        {
            // The product's schema puts health and rollup properties on deals and companies whatever is mapped.
            Add(needs, "deals", Need.SchemaWrite, "create the product's properties on deals (schema apply)");
            Add(needs, "companies", Need.SchemaWrite, "create the product's properties on companies (schema apply)");
            foreach (var mapping in mappings.Objects.Values.Where(m => m.Kind == EntityKind.Project || m.Fields.Any(f => f.IsOutbound)))
            {
                Add(needs, mapping.HubSpotObject, Need.SchemaWrite, $"create properties on {Noun(mapping.Kind, mapping.HubSpotObject)} (schema apply)");
            }

            if (mappings.For(EntityKind.Project) is { } project && IsCustom(project.HubSpotObject))
            {
                needs.Add(("crm.schemas.custom.write", HubSpotScopeProbe.CustomSchemaWrite, project.HubSpotObject, "create the custom project object (schema apply)"));
            }
        }

        return needs
            .GroupBy(n => n.Scope, StringComparer.Ordinal)
            .Select(g => new HubSpotScopeRequirement(
                g.Key,
                g.First().Probe,
                g.First().ObjectType,
                string.Join(", ", g.Select(n => n.Reason).Distinct(StringComparer.Ordinal))))
            .ToList();
    }

    /// <summary>
    /// Whether an object type is a custom object: anything but HubSpot's standard names and ids (companies, deals, contacts,
    /// tickets, the native <c>projects</c>/<c>0-970</c>), so <c>2-123</c>, <c>p123_projects</c> or a schema name.
    /// </summary>
    public static bool IsCustom(string objectType)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        return Family(objectType) == "custom";
    }

    /// <summary>The scope of one need on one object type.</summary>
    internal static string ScopeOf(string objectType, HubSpotScopeProbe probe)
    {
        var family = Family(objectType);
        if (family == "tickets")
        {
            return "tickets";
        }

        return probe switch
        {
            HubSpotScopeProbe.ObjectRead => $"crm.objects.{family}.read",
            HubSpotScopeProbe.ObjectWrite => $"crm.objects.{family}.write",
            HubSpotScopeProbe.SchemaRead => $"crm.schemas.{family}.read",
            HubSpotScopeProbe.SchemaWrite => $"crm.schemas.{family}.write",
            _ => "crm.schemas.custom.write",
        };
    }

    private static void Add(List<(string, HubSpotScopeProbe, string, string)> needs, string objectType, Need need, string reason)
    {
        var probe = need switch
        {
            Need.Read => HubSpotScopeProbe.ObjectRead,
            Need.Write => HubSpotScopeProbe.ObjectWrite,
            Need.SchemaRead => HubSpotScopeProbe.SchemaRead,

            // A custom object may not exist before schema apply; the schema create proves crm.schemas.custom.write without it.
            _ when IsCustom(objectType) => HubSpotScopeProbe.CustomSchemaWrite,
            _ => HubSpotScopeProbe.SchemaWrite,
        };
        needs.Add((ScopeOf(objectType, probe), probe, objectType, reason));
    }

    /// <summary>The scope family of an object type: companies, deals, contacts, tickets, projects (native) or custom.</summary>
    private static string Family(string objectType) => objectType switch
    {
        "companies" or "company" or "0-2" => "companies",
        "deals" or "deal" or "0-3" => "deals",
        "contacts" or "contact" or "0-1" => "contacts",
        "tickets" or "ticket" or "0-5" => "tickets",
        "projects" or "project" or "0-970" => "projects",
        // Anything else is a custom object: its id (2-…), fully qualified name (p…_name) or schema name.
        _ => "custom",
    };

    private static string Noun(EntityKind kind, string objectType) =>
        IsCustom(objectType) ? $"{kind.Plural()} (custom object {objectType})" : kind.Plural();
}
