using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Runtime;
using Microsoft.AspNetCore.Http;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>
/// Static description of an API route: its template (for stats), its rate-limit budget, whether it writes, and its
/// family (<see cref="Version"/> is null for the legacy paths, else the date version: <c>2026-03</c>, <c>2026-09</c>),
/// and what its scope check looks at.
/// </summary>
internal sealed record RouteInfo(string Method, string Template, LimitKind Limit, bool IsWrite, string? Version = null, ScopeKind Scopes = ScopeKind.None)
{
    public string StatsKey => $"{Method} {Template}";
}

/// <summary>One API call as handlers see it: route values, query helpers and the (already size-checked) body.</summary>
internal sealed class ApiRequest(HttpContext http, RouteInfo route, byte[] body, string correlationId)
{
    private JsonElement? _json;

    public HttpContext Http { get; } = http;

    public RouteInfo Route { get; } = route;

    public byte[] Body { get; } = body;

    public string CorrelationId { get; } = correlationId;

    public JsonElement Json => _json ??= JsonIn.Parse(Body);

    public JsonElement JsonObject => JsonIn.Object(Json, "the request body");

    public string RouteValue(string name) => Uri.UnescapeDataString(Http.Request.RouteValues[name]?.ToString() ?? string.Empty);

    public string? Query(string name)
    {
        var v = Http.Request.Query[name];
        return v.Count == 0 ? null : v[^1];
    }

    /// <summary>A multi-valued query parameter, accepted both as repeated keys and as comma lists.</summary>
    public List<string>? QueryList(string name)
    {
        var values = Http.Request.Query[name];
        if (values.Count == 0)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var v in values)
        {
            if (v is null)
            {
                continue;
            }

            foreach (var part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                list.Add(part);
            }
        }

        return list;
    }

    public bool QueryBool(string name, bool fallback = false)
    {
        var v = Query(name);
        if (string.IsNullOrEmpty(v))
        {
            return fallback;
        }

        return bool.TryParse(v, out var b) ? b : throw ApiException.Validation($"{name} must be true or false, not '{v}'.");
    }

    public int QueryInt(string name, int fallback, int min, int max)
    {
        var v = Query(name);
        if (string.IsNullOrEmpty(v))
        {
            return fallback;
        }

        if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            throw ApiException.Validation($"{name} must be an integer, not '{v}'.",
                new ErrorDetail($"{name} must be an integer", "INVALID_INTEGER", new Dictionary<string, string[]> { [name] = [v] }, "query"));
        }

        if (n < min || n > max)
        {
            throw ApiException.Validation($"{name} must be between {min} and {max}, not {n}.",
                new ErrorDetail($"{name} out of range", "OUT_OF_RANGE", new Dictionary<string, string[]> { [name] = [v] }, "query"));
        }

        return n;
    }
}
