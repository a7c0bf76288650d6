using System.Diagnostics;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 8: injected faults over real HTTP; a faulted write is applied fully or not at all.</summary>
public sealed class FaultInjectionTests
{
    [Theory]
    [InlineData("500:1", 500)]
    [InlineData("502:1", 502)]
    [InlineData("503:1", 503)]
    [InlineData("504:1", 504)]
    public async Task ServerErrors_AnswerInHubSpotShape(string spec, int status)
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Faults = spec);
        (await emu.Get("/crm/v3/objects/deals")).AssertError(status, "INTERNAL_ERROR");
        Assert.Equal(1, emu.Control.Stats().Faults[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task Injected429_CarriesThePolicyTheClientsRetryOn()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Faults = "429:1");
        var r = await emu.Get("/crm/v3/objects/deals");
        Assert.Equal(429, r.Status);
        Assert.Equal("TEN_SECONDLY_ROLLING", r.Body.Str("policyName"));
        var s = await emu.Post("/crm/v3/objects/deals/search", new { });
        Assert.Equal("You have reached your secondly limit.", s.Body.Str("message"));
    }

    [Fact]
    public async Task FaultedWrites_AreAppliedFullyOrNotAtAll_AndStatsSayWhich()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => { o.Faults = "reset:0.3,502:0.2,503:0.2"; o.FaultSeed = 7; });
        var okCreates = 0;
        for (var i = 0; i < 60; i++)
        {
            try
            {
                var r = await emu.Post("/crm/v3/objects/deals/batch/create", new { inputs = Enumerable.Range(0, 3).Select(j => new { properties = Http.Deal($"D{i}-{j}") }) });
                if (r.Status == 201)
                {
                    okCreates++;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        var stats = emu.Control.Stats();
        emu.Control.SetFaults(null);
        var deals = emu.Control.ExportState().Objects["deals"];
        Assert.Equal(0, deals.Count % 3);
        Assert.Equal(okCreates + stats.FaultedWritesApplied, deals.Count / 3);
        Assert.True(stats.FaultedWritesApplied > 0 && stats.FaultedWritesNotApplied > 0, $"{stats.FaultedWritesApplied}/{stats.FaultedWritesNotApplied}");
        Assert.Equal(stats.FaultedWritesApplied + stats.FaultedWritesNotApplied, stats.FaultEvents.Count(e => e.IsWrite));
        Assert.Equal(stats.FaultedWritesApplied * 3, stats.Writes["create"] - (okCreates * 3));
    }

    [Fact]
    public async Task Reset_DropsTheConnection_Truncate_CutsTheBody()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Faults = "reset:1");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => emu.Get("/crm/v3/objects/deals"));
        emu.Control.SetFaults("truncate:1");
        await emu.CreateAsync("deals", Http.Deal("D")).ContinueWith(_ => { }, TaskScheduler.Default);
        await Assert.ThrowsAnyAsync<Exception>(() => emu.Get("/crm/v3/objects/deals"));
        emu.Control.SetFaults(null);
        Assert.Single((await emu.Get("/crm/v3/objects/deals")).Results());
        Assert.Equal(1, emu.Control.Stats().Faults["reset"]);
    }

    [Fact]
    public async Task Slow_DelaysTheAnswer()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Faults = "slow:1@300ms");
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        Assert.True(watch.ElapsedMilliseconds >= 290, watch.ElapsedMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SameSeed_GivesTheSameFaultSequence()
    {
        async Task<List<int>> Run()
        {
            await using var emu = await EmulatorFixture.StartAsync(o => { o.Faults = "503:0.3,429:0.2"; o.FaultSeed = 3; });
            var statuses = new List<int>();
            for (var i = 0; i < 30; i++)
            {
                statuses.Add((await emu.Get("/crm/v3/objects/deals")).Status);
            }

            return statuses;
        }

        var a = await Run();
        Assert.Equal(a, await Run());
        Assert.Contains(503, a);
        Assert.Contains(429, a);
        Assert.Contains(200, a);
    }

    [Theory]
    [InlineData("418:0.1")]
    [InlineData("503")]
    [InlineData("503:1.5")]
    [InlineData("503:0.6,429:0.6")]
    [InlineData("reset:0.1@2s")]
    [InlineData("slow:0.1@soon")]
    public void BadSpec_IsAFormatExceptionNamingTheOption(string spec)
    {
        var e = Assert.Throws<FormatException>(() => EmulatorOptions.ParseFaults(spec));
        Assert.StartsWith("--faults:", e.Message, StringComparison.Ordinal);
    }
}
