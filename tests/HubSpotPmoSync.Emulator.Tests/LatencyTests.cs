using HubSpotPmoSync.Emulator.Runtime;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue 15, point 1: the latency model — per-class round trips with ±50 % jitter, held concurrently, on the injected clock.</summary>
public sealed class LatencyTests
{
    // Classes four times apart, so the ±50 % ranges never overlap and an answer's timing tells its class.
    private const string Spaced = "list:100ms,batch:400ms,associations:1600ms,write:6400ms,search:25600ms,default:102400ms";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("GET", "/crm/v3/objects/deals", null, LatencyClass.List)]
    [InlineData("GET", "/crm/objects/2026-03/deals/30000000001", null, LatencyClass.List)]
    [InlineData("POST", "/crm/v3/objects/deals/search", "{}", LatencyClass.Search)]
    [InlineData("POST", "/crm/objects/2026-03/deals/batch/read", """{"inputs":[]}""", LatencyClass.Batch)]
    [InlineData("POST", "/crm/associations/2026-03/deals/companies/batch/read", """{"inputs":[]}""", LatencyClass.Associations)]
    [InlineData("GET", "/crm/v4/associations/deals/companies/labels", null, LatencyClass.Associations)]
    [InlineData("PUT", "/crm/v4/objects/deals/1/associations/default/companies/2", null, LatencyClass.Associations)]
    [InlineData("POST", "/crm/objects/2026-03/deals/batch/update", """{"inputs":[]}""", LatencyClass.Write)]
    [InlineData("PATCH", "/crm/v3/objects/deals/1", """{"properties":{}}""", LatencyClass.Write)]
    [InlineData("GET", "/crm/properties/2026-03/deals", null, LatencyClass.Default)]
    [InlineData("GET", "/crm/v3/pipelines/deals", null, LatencyClass.Default)]
    [InlineData("POST", "/crm-object-schemas/v3/schemas/2-1/associations", "{}", LatencyClass.Default)]
    [InlineData("GET", "/account-info/v3/api-usage/daily/private-apps", null, LatencyClass.Default)]
    public async Task EachRoute_IsHeldForItsClassValueWithinHalf(string method, string path, string? body, LatencyClass expected)
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Latency = LatencySpec.Parse(Spaced); });
        var nominal = emu.Control.Latency[expected];

        var answer = emu.SendAsync(new HttpMethod(method), path, body);
        await emu.Control.LatencyModel.WhenWaitingAsync(1).WaitAsync(Wait);

        // Just short of half the class's value: still held (its timer has not fired).
        clock.Advance((nominal / 2) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, clock.PendingTimers);
        Assert.False(answer.IsCompleted);

        // At one and a half times the value it has been answered.
        clock.Advance(nominal + TimeSpan.FromMilliseconds(1));
        var response = await answer.WaitAsync(Wait);
        Assert.NotEqual(0, response.Status);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public async Task ConcurrentRequests_AreHeldSideBySide_OneAdvanceAnswersThemAll()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.TimeProvider = clock; o.Seed = "demo"; o.Latency = LatencySpec.Parse("1s"); });
        const int N = 24;

        var answers = Enumerable.Range(0, N).Select(i => (i % 3) switch
        {
            0 => emu.Get("/crm/v3/objects/deals?limit=5"),
            1 => emu.Post("/crm/v3/objects/tickets/search", new { limit = 5 }),
            _ => emu.Post("/crm/v4/associations/deals/companies/batch/read", new { inputs = Array.Empty<object>() }),
        }).ToList();
        await emu.Control.LatencyModel.WhenWaitingAsync(N).WaitAsync(Wait);
        Assert.Equal(N, emu.Control.LatencyModel.Waiting);
        Assert.DoesNotContain(answers, a => a.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1500));
        var responses = await Task.WhenAll(answers).WaitAsync(Wait);

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal(0, emu.Control.LatencyModel.Waiting);
    }

    [Fact]
    public async Task ControlApi_SetsTheLatencyAtRuntime_AndRejectsABadSpecNamingTheToken()
    {
        var clock = new FakeTimeProvider();
        await using var emu = await EmulatorFixture.StartAsync(o => o.TimeProvider = clock);
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
        Assert.Equal(0, clock.PendingTimers);

        Assert.Equal(200, (await emu.Post("/__emulator/latency", new { spec = "list:2s", seed = 7 })).Status);
        Assert.Equal(TimeSpan.FromSeconds(2), emu.Control.Latency[LatencyClass.List]);
        Assert.Equal(TimeSpan.Zero, emu.Control.Latency[LatencyClass.Search]);
        var held = emu.Get("/crm/v3/objects/deals");
        await emu.Control.LatencyModel.WhenWaitingAsync(1).WaitAsync(Wait);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(200, (await held.WaitAsync(Wait)).Status);

        var bad = await emu.Post("/__emulator/latency", new { spec = "list:2s,serch:1s" });
        var error = bad.AssertError(400, "VALIDATION_ERROR");
        Assert.Contains("'serch'", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), emu.Control.Latency[LatencyClass.List]);

        emu.Control.SetLatency(LatencySpec.None);
        Assert.Equal(200, (await emu.Get("/crm/v3/objects/deals")).Status);
    }

    [Fact]
    public void Draw_IsWithinHalfAndOneAndAHalfOfTheValue_SpreadAndReproducibleFromTheSeed()
    {
        var spec = LatencySpec.Parse(Spaced);
        var a = new LatencyModel(new FakeTimeProvider(), spec, seed: 5);
        var b = new LatencyModel(new FakeTimeProvider(), spec, seed: 5);
        foreach (var c in Enum.GetValues<LatencyClass>())
        {
            var draws = Enumerable.Range(0, 500).Select(_ => a.Draw(c)).ToList();
            Assert.All(draws, d => Assert.InRange(d, spec[c] / 2, spec[c] * 1.5));
            Assert.True(draws.Min() < spec[c] * 0.6 && draws.Max() > spec[c] * 1.4, $"{c}: {draws.Min()}..{draws.Max()} is not spread over ±50 %");
            Assert.Equal(draws, Enumerable.Range(0, 500).Select(_ => b.Draw(c)));
        }
    }

    [Fact]
    public void NoLatency_CompletesSynchronously_WithoutATimer()
    {
        var clock = new FakeTimeProvider();
        var model = new LatencyModel(clock, LatencySpec.None, seed: 1);

        Assert.Same(Task.CompletedTask, model.DelayAsync(LatencyClass.Search, CancellationToken.None).AsTask());
        Assert.Equal(0, clock.PendingTimers);
    }

    [Theory]
    [InlineData("200ms", 200, 200)]
    [InlineData("1.5s", 1500, 1500)]
    [InlineData("search:400ms", 0, 400)]
    [InlineData("search:400ms,default:150ms", 150, 400)]
    [InlineData(" LIST:250ms , search:400 ", 250, 400)]
    [InlineData("none", 0, 0)]
    [InlineData("0", 0, 0)]
    public void Parse_ReadsOneValueOrClassPairs_ALeftOutClassTakesTheDefault(string spec, int listMs, int searchMs)
    {
        var parsed = LatencySpec.Parse(spec);

        Assert.Equal(TimeSpan.FromMilliseconds(listMs), parsed[LatencyClass.List]);
        Assert.Equal(TimeSpan.FromMilliseconds(searchMs), parsed[LatencyClass.Search]);
        Assert.Equal(parsed, LatencySpec.Parse(parsed.ToString()));
    }

    [Theory]
    [InlineData("lst:250ms", "'lst'")]
    [InlineData("list:fast", "'fast'")]
    [InlineData("list:-5ms", "'-5ms'")]
    [InlineData("list:250ms,list:1s", "'list'")]
    [InlineData("250ms,search:1s", "'250ms'")]
    [InlineData("list:250ms,,search:1s", "''")]
    [InlineData("slow", "'slow'")]
    public void Parse_BadSpec_NamesTheBadToken(string spec, string named)
    {
        var e = Assert.Throws<FormatException>(() => LatencySpec.Parse(spec));

        Assert.StartsWith("--latency: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }
}
