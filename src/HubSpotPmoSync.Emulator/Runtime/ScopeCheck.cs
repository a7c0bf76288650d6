using System.Text.Json;
using HubSpotPmoSync.Emulator.Api;
using HubSpotPmoSync.Emulator.Model;
using Microsoft.AspNetCore.Http;

namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>What a route group's calls touch, for the scope check: records, a type's property schema, custom object schemas, links, or nothing.</summary>
internal enum ScopeKind
{
    None,
    Objects,
    Schema,
    CustomSchemas,
    Associations,
}

/// <summary>
/// Granular scopes (API-FACTS §2 and §16). With a granted set, each call needs the scopes of what it touches; a call
/// outside them answers 403 <c>MISSING_SCOPES</c> naming the missing ones. With no set (the default) all are granted.
/// </summary>
internal static class ScopeCheck
{
    public const string Tickets = "tickets";

    /// <summary>Every scope the emulator checks; <c>--scopes</c> accepts these names only.</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read", "crm.objects.companies.write",
        "crm.objects.deals.read", "crm.objects.deals.write", Tickets, "crm.objects.custom.read", "crm.objects.custom.write",
        "crm.objects.projects.read", "crm.objects.projects.write",
        "crm.schemas.contacts.read", "crm.schemas.contacts.write", "crm.schemas.companies.read", "crm.schemas.companies.write",
        "crm.schemas.deals.read", "crm.schemas.deals.write", "crm.schemas.custom.read", "crm.schemas.custom.write",
        "crm.schemas.projects.read", "crm.schemas.projects.write",
    ];

    private const string Message =
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.";

    /// <summary>
    /// The scopes a call needs, from its route and the object types in its path. A type the portal does not know needs
    /// nothing here: the handler answers 400 for it.
    /// </summary>
    public static List<string> Required(RouteInfo route, HttpContext ctx, CrmStore store)
    {
        ObjectTypeDef? Type(string name) =>
            ctx.Request.RouteValues[name]?.ToString() is { } segment ? store.Read(() => store.TryResolveType(Uri.UnescapeDataString(segment))) : null;

        var write = route.IsWrite;
        var needs = new List<string>();
        switch (route.Scopes)
        {
            case ScopeKind.Objects when Type("objectType") is { } t:
                needs.Add(ObjectScope(t, write));
                break;
            case ScopeKind.Schema when Type("objectType") is { } t:
                needs.Add(SchemaScope(t, write));
                break;
            case ScopeKind.CustomSchemas:
                needs.Add(write ? "crm.schemas.custom.write" : "crm.schemas.custom.read");
                break;
            case ScopeKind.Associations:
                // Reads need both types' read scopes; writes the from-type's write scope and the to-type's read scope.
                if (Type("fromType") is { } from)
                {
                    needs.Add(ObjectScope(from, write));
                }

                if (Type("toType") is { } to)
                {
                    needs.Add(ObjectScope(to, write: false));
                }

                break;
        }

        return needs;
    }

    public static string ObjectScope(ObjectTypeDef t, bool write) =>
        Family(t) is { } family ? $"crm.objects.{family}.{(write ? "write" : "read")}" : Tickets;

    public static string SchemaScope(ObjectTypeDef t, bool write) =>
        Family(t) is { } family ? $"crm.schemas.{family}.{(write ? "write" : "read")}" : Tickets;

    /// <summary>The word of a type's scopes: contacts, companies, deals, projects or custom; null for tickets (one scope, <c>tickets</c>).</summary>
    private static string? Family(ObjectTypeDef t) => t.IsCustom ? "custom" : t.Name == "tickets" ? null : t.Name;

    /// <summary>Parses a scope list (commas and/or spaces; <c>none</c> for the empty set); an unknown name throws.</summary>
    public static IReadOnlySet<string> Parse(string value)
    {
        var parts = (value ?? string.Empty).Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new FormatException("--scopes: the list is empty; name the granted scopes separated by commas, or 'none' for no scope at all");
        }

        if (parts is ["none"])
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        return Of(parts);
    }

    /// <summary>Checks each name against <see cref="Known"/>.</summary>
    public static IReadOnlySet<string> Of(IEnumerable<string> scopes)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in scopes)
        {
            if (!Known.Contains(s, StringComparer.Ordinal))
            {
                throw new FormatException($"--scopes: '{s}' is not a scope the emulator knows; expected any of {string.Join(", ", Known)} (or 'none')");
            }

            set.Add(s);
        }

        return set;
    }

    /// <summary>HubSpot's 403 for a call outside the token's scopes.</summary>
    public static Reply MissingScopes(IReadOnlyList<string> missing, string correlationId) => Reply.Json(403, w =>
    {
        w.WriteStartObject();
        w.WriteString("status", "error");
        w.WriteString("message", Message);
        w.WriteString("correlationId", correlationId);
        w.WriteString("category", "MISSING_SCOPES");
        w.WriteStartArray("errors");
        w.WriteStartObject();
        w.WriteString("message", "One or more of the following scopes are required.");
        w.WriteStartObject("context");
        WriteStrings(w, "requiredGranularScopes", missing);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("links");
        w.WriteString("scopes", "https://developers.hubspot.com/scopes");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
