using System.Text.Json;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Short request helpers over real HTTP, and JSON accessors for assertions.</summary>
internal static class Http
{
    public static Task<EmulatorResponse> Get(this EmulatorFixture f, string path) => f.SendAsync(HttpMethod.Get, path);

    public static Task<EmulatorResponse> Post(this EmulatorFixture f, string path, object? body = null) => f.SendAsync(HttpMethod.Post, path, body ?? "{}");

    public static Task<EmulatorResponse> Patch(this EmulatorFixture f, string path, object body) => f.SendAsync(HttpMethod.Patch, path, body);

    public static Task<EmulatorResponse> Put(this EmulatorFixture f, string path, object? body = null) => f.SendAsync(HttpMethod.Put, path, body);

    public static Task<EmulatorResponse> Delete(this EmulatorFixture f, string path) => f.SendAsync(HttpMethod.Delete, path);

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static string? Prop(this JsonElement record, string name) =>
        record.GetProperty("properties").TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static List<JsonElement> Results(this EmulatorResponse r) => [.. r.Body.GetProperty("results").EnumerateArray()];

    public static string? NextAfter(this EmulatorResponse r) =>
        r.Body.TryGetProperty("paging", out var p) ? p.GetProperty("next").GetProperty("after").GetString() : null;

    public static async Task<string> CreateAsync(this EmulatorFixture f, string type, object properties, object? associations = null)
    {
        var r = await f.Post($"/crm/v3/objects/{type}", associations is null ? new { properties } : new { properties, associations });
        Assert.True(r.Status == 201, r.ToString());
        return r.Body.Str("id");
    }

    public static async Task<List<string>> CreateManyAsync(this EmulatorFixture f, string type, IEnumerable<object> properties)
    {
        var ids = new List<string>();
        foreach (var chunk in properties.Chunk(100))
        {
            var r = await f.Post($"/crm/v3/objects/{type}/batch/create", new { inputs = chunk.Select(p => new { properties = p }) });
            Assert.True(r.Status == 201, r.ToString());
            ids.AddRange(r.Results().Select(x => x.Str("id")));
        }

        return ids;
    }

    public static object Deal(string name, string stage = "appointmentscheduled", string? amount = null) =>
        amount is null
            ? new Dictionary<string, string> { ["dealname"] = name, ["pipeline"] = "default", ["dealstage"] = stage }
            : new Dictionary<string, string> { ["dealname"] = name, ["pipeline"] = "default", ["dealstage"] = stage, ["amount"] = amount };

    /// <summary>Asserts HubSpot's error shape and returns the body.</summary>
    public static JsonElement AssertError(this EmulatorResponse r, int status, string category)
    {
        Assert.True(r.Status == status, $"expected {status}: {r}");
        var b = r.Body;
        Assert.Equal("error", b.Str("status"));
        Assert.False(string.IsNullOrEmpty(b.Str("message")));
        Assert.True(Guid.TryParse(b.Str("correlationId"), out _), r.Raw);
        Assert.Equal(category, b.Str("category"));
        return b;
    }

    public static IEnumerable<string> ErrorCodes(this JsonElement error) =>
        error.TryGetProperty("errors", out var errs) ? errs.EnumerateArray().Select(e => e.Str("code")) : [];
}
