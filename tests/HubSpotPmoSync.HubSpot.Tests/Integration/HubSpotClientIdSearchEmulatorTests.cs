using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.HubSpot.Api;

namespace HubSpotPmoSync.HubSpot.Tests.Integration;

/// <summary>Issue 15: the reads by id range of a partitioned listing, against the real emulator over HTTP.</summary>
public sealed class HubSpotClientIdSearchEmulatorTests
{
    private static readonly string[] DealProperties = ["dealname", "amount"];
    private static readonly HubSpotApiFamily Family = HubSpotApiFamily.Of(HubSpotApiVersions.Default);

    private static HubSpotTestHost CreateSut(HubSpotEmulator emulator) =>
        new(primary: null, new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = HubSpotApiVersions.Default }, null, emulator.BaseAddress);

    private static long Searches(HubSpotTestHost host) =>
        host.Usage.Snapshot().Calls.TryGetValue(Family.Route("POST", "/crm/objects/{version}/{objectType}/search"), out var outcomes) ? outcomes.Values.Sum() : 0;

    private static long Id(CrmRecord r) => long.Parse(r.Id, CultureInfo.InvariantCulture);

    [Fact]
    public async Task SearchIdExtentAsync_Deals_TheHighestIdAndTheCountInOneSearch()
    {
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = HubSpotTestHost.Token, Seed = "scale:300" });
        using var host = CreateSut(emulator);
        var deals = emulator.Control.ExportState().Objects["deals"].Where(r => !r.Archived).Select(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).ToList();

        var extent = await host.Source.SearchIdExtentAsync("deals", CancellationToken.None);

        Assert.Equal(new CrmIdExtent(deals.Max(), deals.Count), extent);
        Assert.Equal(1, Searches(host));
    }

    /// <summary>
    /// Ranges cut anywhere return every deal exactly once, by ascending id, 200 a page; a range of more than 10,000
    /// deals is read in full (each page is its own query, never an offset past the cap); an empty range is one call.
    /// </summary>
    [Fact]
    public async Task SearchIdsAsync_RangesAcrossTwelveThousandDeals_EveryDealOnceAndNoCap()
    {
        await using var emulator = await HubSpotEmulator.StartAsync(new EmulatorOptions { Token = HubSpotTestHost.Token, Seed = "scale:12000" });
        using var host = CreateSut(emulator);
        var deals = emulator.Control.ExportState().Objects["deals"].Where(r => !r.Archived).Select(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).Order().ToList();
        var cut = deals[500];

        var low = new List<CrmRecord>();
        await foreach (var page in host.Source.SearchIdsAsync("deals", new CrmIdWindow(deals[0] - 1, cut), DealProperties, CancellationToken.None))
        {
            low.AddRange(page.Records);
        }

        var pages = 0;
        var high = new List<CrmRecord>();
        await foreach (var page in host.Source.SearchIdsAsync("deals", new CrmIdWindow(cut), DealProperties, CancellationToken.None))
        {
            pages++;
            Assert.InRange(page.Records.Count, 1, 200);
            Assert.Equal(page.NextAfter is null ? null : page.Records[^1].Id, page.NextAfter);
            high.AddRange(page.Records);
        }

        Assert.Equal(deals.Count - 501, high.Count);
        Assert.Equal(deals, low.Concat(high).Select(Id));
        Assert.Equal((deals.Count - 501 + 199) / 200, pages);
        Assert.All(high, r => Assert.NotNull(r.Get("dealname")));

        var before = Searches(host);
        var empty = new List<CrmPage>();
        await foreach (var page in host.Source.SearchIdsAsync("deals", new CrmIdWindow(deals[^1], null), DealProperties, CancellationToken.None))
        {
            empty.Add(page);
        }

        Assert.Empty(Assert.Single(empty).Records);
        Assert.Equal(before + 1, Searches(host));
    }
}
