using System.Net.Http;
using HubSpotPmoSync.Testing.Http;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// <c>HubSpot:ApiVersion</c> seen from the wire: a counting proxy between the worker and the emulator records every
/// request of <c>schema apply</c>, a first <c>sync --full</c> (with its kickoff and push) and an incremental <c>sync</c>
/// that pulls a change and pushes. Under the default version no path of the v3/v4 family goes out; under
/// <c>legacy</c>, nothing but those paths.
/// </summary>
public sealed class ApiFamilyPathTests
{
    private static readonly string[] DatedPrefixes =
    [
        "/crm/objects/2026-03/", "/crm/properties/2026-03/", "/crm-object-schemas/2026-03/", "/crm/pipelines/2026-03/",
        "/crm/associations/2026-03/", "/account-info/2026-03/",
    ];

    private static readonly string[] LegacyPrefixes = ["/crm/v3/", "/crm/v4/", "/crm-object-schemas/v3/", "/account-info/v3/"];

    [Fact]
    public async Task DefaultVersion_SchemaApplySyncAndPush_SendNoV3OrV4Path()
    {
        var requests = await RunCommandsThroughProxyAsync(apiVersion: null);

        var legacy = requests.Where(r => r.Path.Contains("/v3/", StringComparison.Ordinal) || r.Path.Contains("/v4/", StringComparison.Ordinal)).ToList();
        Assert.True(legacy.Count == 0, "v3/v4 paths under the default version:\n" + string.Join('\n', legacy.Distinct().Take(20)));
        var outside = requests.Where(r => !DatedPrefixes.Any(p => r.Path.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(outside.Count == 0, "paths outside the 2026-03 family:\n" + string.Join('\n', outside.Distinct().Take(20)));
        // The shipped mappings use HubSpot's native projects object, so no custom object schema is read.
        AssertEveryGroupCalled(requests, ["/crm/objects/2026-03/", "/crm/properties/2026-03/", "/crm/pipelines/2026-03/", "/crm/associations/2026-03/"]);
    }

    [Fact]
    public async Task LegacyVersion_SchemaApplySyncAndPush_SendOnlyV3AndV4Paths()
    {
        var requests = await RunCommandsThroughProxyAsync(apiVersion: "legacy");

        var outside = requests.Where(r => !LegacyPrefixes.Any(p => r.Path.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(outside.Count == 0, "paths outside the v3/v4 family under legacy:\n" + string.Join('\n', outside.Distinct().Take(20)));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/2026-", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Path.StartsWith("/crm/v4/associations/", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Path.StartsWith("/crm/v3/objects/", StringComparison.Ordinal) && r.Path.EndsWith("/batch/update", StringComparison.Ordinal));
    }

    /// <summary>Reads, searches, writes and links each went out at least once, so the check above saw every kind of call.</summary>
    private static void AssertEveryGroupCalled(IReadOnlyList<ProxiedRequest> requests, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            Assert.True(requests.Any(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)), $"no call under {prefix}");
        }

        Assert.Contains(requests, r => r.Method == "POST" && r.Path.EndsWith("/search", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "POST" && r.Path.EndsWith("/batch/update", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "POST" && r.Path.EndsWith("/batch/upsert", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "POST" && r.Path.StartsWith("/crm/associations/2026-03/", StringComparison.Ordinal) && r.Path.EndsWith("/batch/read", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "POST" && r.Path.StartsWith("/crm/properties/2026-03/", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<ProxiedRequest>> RunCommandsThroughProxyAsync(string? apiVersion)
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await using var proxy = await CountingProxy.StartAsync(h.Emulator.BaseAddress);
        h.BaseAddress = proxy.BaseAddress;
        if (apiVersion is not null)
        {
            h.Settings["HubSpot:ApiVersion"] = apiVersion;
        }

        await h.RunOkAsync("schema", "apply");
        await h.RunOkAsync("sync", "--full");

        // A person edits a deal in HubSpot: the next incremental cycle pulls it and pushes what follows from it.
        var deal = h.Records("deals").First(r => !r.Archived);
        var patch = await h.Emulator.SendAsync(HttpMethod.Patch, $"/crm/v3/objects/deals/{deal.Id}", new Dictionary<string, object>
        {
            ["properties"] = new Dictionary<string, string> { ["dealname"] = deal.Properties.GetValueOrDefault("dealname") + " (renamed)" },
        });
        Assert.Equal(200, patch.Status);
        await h.RunOkAsync("sync");

        var requests = proxy.Requests;
        Assert.NotEmpty(requests);
        return requests;
    }
}
