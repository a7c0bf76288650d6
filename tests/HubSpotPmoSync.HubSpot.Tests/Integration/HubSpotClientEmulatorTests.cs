using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.HubSpot.Api;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests.Integration;

/// <summary>The client against the real emulator over HTTP on 127.0.0.1 (no stubs).</summary>
public sealed class HubSpotClientEmulatorTests
{
    private static readonly string[] DealProperties = ["dealname", "amount", "dealstage"];

    private static async Task<HubSpotEmulator> StartEmulatorAsync(string seed, string? faults = null) =>
        await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = HubSpotTestHost.Token, Seed = seed, Faults = faults });

    /// <summary>The API family these tests run on: the default.</summary>
    private const string ApiVersion = HubSpotApiVersions.Default;

    private static readonly HubSpotApiFamily Family = HubSpotApiFamily.Of(ApiVersion);

    private static HubSpotTestHost CreateSut(HubSpotEmulator emulator, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        all.TryAdd("HubSpot:ApiVersion", ApiVersion);
        return new(primary: null, all, time, emulator.BaseAddress);
    }

    private static async Task<List<CrmRecord>> Collect(IAsyncEnumerable<CrmPage> pages)
    {
        var all = new List<CrmRecord>();
        await foreach (var page in pages)
        {
            all.AddRange(page.Records);
        }

        return all;
    }

    private static long Calls(HubSpotTestHost host, string route) =>
        host.Usage.Snapshot().Calls.TryGetValue(route, out var outcomes) ? outcomes.Values.Sum() : 0;

    [Fact]
    public async Task ListAsync_AllDeals_PagesToTheEndEachOnce()
    {
        await using var emulator = await StartEmulatorAsync("scale:1000");
        using var host = CreateSut(emulator);

        var deals = await Collect(host.Source.ListAsync("deals", DealProperties, new CrmListOptions(), CancellationToken.None));

        var expected = emulator.Control.ExportState().Objects["deals"].Where(r => !r.Archived).Select(r => r.Id).Order().ToList();
        Assert.Equal(expected, deals.Select(d => d.Id).Order().ToList());
        Assert.Equal(10, Calls(host, Family.Route("GET", "/crm/objects/{version}/{objectType}")));
        Assert.All(deals, d => Assert.NotNull(d.Get("dealname")));
    }

    [Fact]
    public async Task BatchReadAsync_250Ids_Makes3BatchCalls()
    {
        await using var emulator = await StartEmulatorAsync("scale:1000");
        using var host = CreateSut(emulator);
        var ids = emulator.Control.ExportState().Objects["deals"].Take(250).Select(r => r.Id).ToList();

        var result = await host.Source.BatchReadAsync("deals", ids, DealProperties, CancellationToken.None);

        Assert.Equal(ids, result.Records.Select(r => r.Id));
        Assert.Empty(result.MissingIds);
        Assert.Equal(3, Calls(host, Family.Route("POST", "/crm/objects/{version}/{objectType}/batch/read")));
    }

    [Fact]
    public async Task SearchModifiedAsync_25kDealsWith12kInOneMillisecond_ReturnsEachExactlyOnce()
    {
        await using var emulator = await StartEmulatorAsync("scale:25000");
        // One timestamp ("now") for 12,500 deals: more than a whole 10,000-result search in one millisecond.
        var changed = emulator.Control.BulkUpdate("deals", new Dictionary<string, string?>(), count: 12_500);
        Assert.Equal(12_500, changed);
        var hot = emulator.Control.ExportState().Objects["deals"].GroupBy(r => r.UpdatedAt).MaxBy(g => g.Count())!;
        Assert.Equal(12_500, hot.Count());
        using var host = CreateSut(emulator);

        var found = await Collect(host.Source.SearchModifiedAsync("deals", new CrmModifiedWindow(DateTimeOffset.UnixEpoch), DealProperties, CancellationToken.None));

        var expected = emulator.Control.ExportState().Objects["deals"].Where(r => !r.Archived).Select(r => r.Id).ToHashSet();
        Assert.Equal(25_000, expected.Count);
        Assert.Equal(expected.Count, found.Count);
        Assert.True(expected.SetEquals(found.Select(r => r.Id)));
        Assert.Equal(12_500, found.Count(r => r.UpdatedAt == hot.Key));
    }

    [Fact]
    public async Task ReadAssociationsAsync_RecordWithMoreThan500Links_ReturnsEveryLink()
    {
        await using var emulator = await StartEmulatorAsync("scale:1000");
        using var host = CreateSut(emulator);
        var company = emulator.Control.ExportState().Objects["companies"][0].Id;
        var deals = emulator.Control.ExportState().Objects["deals"].Take(700).Select(d => d.Id).ToList();
        await host.Writer.CreateAssociationsAsync("companies", "deals", deals.Select(d => new CrmAssociationCreate(company, d)).ToList(), CancellationToken.None);

        var links = await host.Source.ReadAssociationsAsync("companies", "deals", [company], CancellationToken.None);

        var expected = emulator.Control.ExportState().Associations
            .Where(a => a.FromType == "companies" && a.FromId == company && a.ToType == "deals")
            .Select(a => a.ToId)
            .Order()
            .ToList();
        Assert.True(expected.Count > 500, $"expected > 500 links, the emulator holds {expected.Count}");
        Assert.Equal(expected, links.Select(l => l.ToId).Order().ToList());
        Assert.All(links, l => Assert.NotEmpty(l.Kinds));
        Assert.True(Calls(host, Family.Route("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/read")) >= 2, "the per-input paging was followed");
    }

    [Fact]
    public async Task BatchUpdateAsync_SomeIdsUnknown_ReportsEachRecordsOutcome()
    {
        await using var emulator = await StartEmulatorAsync("scale:100");
        using var host = CreateSut(emulator);
        var ids = emulator.Control.ExportState().Objects["deals"].Take(3).Select(r => r.Id).ToList();
        CrmUpdate[] updates =
        [
            new(ids[0], new Dictionary<string, string?> { ["dealname"] = "Renamed 0" }),
            new("999999999999", new Dictionary<string, string?> { ["dealname"] = "nobody" }),
            new(ids[1], new Dictionary<string, string?> { ["dealname"] = "Renamed 1" }),
        ];

        var result = await host.Writer.BatchUpdateAsync("deals", updates, CancellationToken.None);

        Assert.Equal([ids[0], "999999999999", ids[1]], result.Outcomes.Select(o => o.Key));
        Assert.Equal([true, false, true], result.Outcomes.Select(o => o.Succeeded));
        Assert.Equal("OBJECT_NOT_FOUND", result.Outcomes[1].ErrorCategory);
        var state = emulator.Control.ExportState().Objects["deals"].ToDictionary(r => r.Id);
        Assert.Equal("Renamed 0", state[ids[0]].Properties["dealname"]);
        Assert.Equal("Renamed 1", state[ids[1]].Properties["dealname"]);
        var read = await host.Source.BatchReadAsync("deals", [ids[2], "999999999999"], DealProperties, CancellationToken.None);
        Assert.Equal(["999999999999"], read.MissingIds);
    }

    /// <summary>
    /// The writes whose answers differ between the families, on both: a create, a default link, and its removal (200 with
    /// a BatchResponseVoid on the dated family, 204 on v4); the store is the same, so what one family wrote the other reads.
    /// </summary>
    [Theory]
    [InlineData("2026-03")]
    [InlineData("2026-09")]
    [InlineData("legacy")]
    public async Task CreateLinkAndUnlink_EachFamily_RoundTrips(string version)
    {
        await using var emulator = await StartEmulatorAsync("scale:10");
        using var host = CreateSut(emulator, new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = version });
        var company = emulator.Control.ExportState().Objects["companies"][0].Id;

        var created = await host.Writer.BatchCreateAsync(
            "deals", [new CrmCreate("t1", new Dictionary<string, string?> { ["dealname"] = "Linked", ["pipeline"] = "default", ["dealstage"] = "appointmentscheduled" })], CancellationToken.None);
        var deal = Assert.Single(created.Outcomes).RecordId!;
        await host.Writer.CreateAssociationsAsync("deals", "companies", [new CrmAssociationCreate(deal, company)], CancellationToken.None);
        var linked = await host.Source.ReadAssociationsAsync("deals", "companies", [deal], CancellationToken.None);
        await host.Writer.ArchiveAssociationsAsync("deals", "companies", [(deal, company)], CancellationToken.None);
        var unlinked = await host.Source.ReadAssociationsAsync("deals", "companies", [deal], CancellationToken.None);

        Assert.True(created.Outcomes[0].Succeeded, created.Outcomes[0].ToString());
        Assert.Equal([company], linked.Select(l => l.ToId));
        Assert.Empty(unlinked);
        var family = HubSpotApiFamily.Of(version);
        Assert.Equal(1, Calls(host, family.Route("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/archive")));
        Assert.All(host.Usage.Snapshot().Calls.Keys, route => Assert.Contains(version == "legacy" ? "/v" : "/" + version + "/", route, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyCall_WrongToken_FailsNamingTheSettingNeverItsValue()
    {
        await using var emulator = await StartEmulatorAsync("scale:10");
        const string wrongToken = "pat-na1-wrong-0000-token-value";
        using var host = CreateSut(emulator, new Dictionary<string, string?> { ["HubSpot:AccessToken"] = wrongToken });

        var error = await Assert.ThrowsAsync<CrmAuthenticationException>(() => Collect(host.Source.ListAsync("deals", [], new CrmListOptions(), CancellationToken.None)));

        Assert.Contains("HubSpot:AccessToken", error.Message, StringComparison.Ordinal);
        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain(wrongToken, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.AllText, line => line.Contains(wrongToken, StringComparison.Ordinal));
        Assert.Equal(1, Calls(host, Family.Route("GET", "/crm/objects/{version}/{objectType}")));
    }

    [Fact]
    public async Task ListAndSearch_UnderFaults_Return20kDealsEachExactlyOnce()
    {
        await using var emulator = await StartEmulatorAsync("scale:20000", faults: "429:0.1,503:0.05,reset:0.02,truncate:0.01");
        using var host = CreateSut(
            emulator,
            new Dictionary<string, string?> { ["HubSpot:MaxRetryAttempts"] = "10", ["HubSpot:RetryBaseDelay"] = "00:00:00.200", ["HubSpot:CircuitBreakerFailureRatio"] = "0.9" },
            new ScaledTimeProvider(scale: 20));

        var listed = Collect(host.Source.ListAsync("deals", ["dealname"], new CrmListOptions(), CancellationToken.None));
        var searched = Collect(host.Source.SearchModifiedAsync("deals", new CrmModifiedWindow(DateTimeOffset.UnixEpoch), ["dealname"], CancellationToken.None));
        await Task.WhenAll(listed, searched);

        var expected = emulator.Control.ExportState().Objects["deals"].Where(r => !r.Archived).Select(r => r.Id).Order().ToList();
        Assert.Equal(20_000, expected.Count);
        Assert.Equal(expected, (await listed).Select(r => r.Id).Order().ToList());
        Assert.Equal(expected, (await searched).Select(r => r.Id).Order().ToList());
        var faults = emulator.Control.Stats().Faults;
        Assert.True(faults.GetValueOrDefault("429") > 0 && faults.GetValueOrDefault("503") > 0, "faults were injected");
        var outcomes = host.Usage.Snapshot().Calls.Values.SelectMany(o => o.Keys).ToHashSet();
        Assert.Contains("429", outcomes);
        Assert.Contains("503", outcomes);
        Assert.True(outcomes.Contains("reset") || outcomes.Contains("truncated"), string.Join(",", outcomes));
    }
}
