using System.Globalization;
using HubSpotPmoSync.Testing.Http;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 15: a cycle with nothing to do costs at most one search per object type plus the settle pass. Counted on the
/// wire (a proxy between the worker and the emulator records every request), over a synced portal.
/// </summary>
public sealed class NoOpCycleCallsTests(ITestOutputHelper log)
{
    private static readonly string[] ObjectTypes = ["companies", "deals", "tickets", "projects"];

    [Fact]
    public async Task Sync_NothingChanged_MakesOneSearchPerObjectTypeAndOneForTheSettlePass_NoListNoWrite()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await using var proxy = await CountingProxy.StartAsync(h.Emulator.BaseAddress);
        h.BaseAddress = proxy.BaseAddress;

        // A settle window of a second: the settle pass is due on every cycle, so the bound is met with it, not without it.
        h.Settings["Sync:SettleWindow"] = "00:00:01";
        await h.RunOkAsync("schema", "apply");

        // Cycle 1 kicks off and pushes; cycle 2 pulls the echo of those writes (the trend may move once); from cycle 3 on
        // nothing changes at the source.
        await h.RunOkAsync("sync");
        await h.RunOkAsync("sync");
        await h.RunOkAsync("sync");
        h.Emulator.Control.AdvanceClock(TimeSpan.FromSeconds(2));
        proxy.Clear();

        var result = await h.RunOkAsync("sync");

        var calls = proxy.Requests;
        foreach (var group in calls.GroupBy(c => c.Method + " " + c.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group.Key} x{group.Count()}"));
        }

        log.WriteLine(result.Output);
        Assert.Contains("pushed 0 properties on 0 records in 0 write calls", result.Output, StringComparison.Ordinal);
        foreach (var type in ObjectTypes)
        {
            var searches = calls.Count(c => c.Method == "POST" && c.Path.EndsWith($"/{type}/search", StringComparison.Ordinal));
            // The bound of issue 15: the fast pass, and the settle pass when it is due (whether its window has moved
            // past the settled cursor by this cycle depends on when the previous cycle ran).
            Assert.True(searches is 1 or 2, $"{type}: {searches} searches, expected the fast pass and at most the settle pass (1 + 1)");
        }

        Assert.InRange(calls.Count(c => c.Path.EndsWith("/search", StringComparison.Ordinal)), ObjectTypes.Length, 2 * ObjectTypes.Length);
        // The only record reads besides the searches are the completeness check's (issue 16): the archived lists, which
        // no search shows, within the check's budget of calls (Sync:CompletenessBudget, 50 by default).
        var reads = calls.Where(c => c.Method == "GET" && c.Path.StartsWith("/crm/objects/", StringComparison.Ordinal)).ToList();
        Assert.All(reads, c => Assert.Contains("archived=true", c.Query, StringComparison.Ordinal));
        Assert.InRange(reads.Count, 1, 50);
        Assert.DoesNotContain(calls, c => EmulatorCallsIsWrite(c));
    }

    private static bool EmulatorCallsIsWrite(ProxiedRequest call) =>
        Testing.Emulator.EmulatorCalls.IsWrite(call.Method + " " + call.Path + " 200");
}
