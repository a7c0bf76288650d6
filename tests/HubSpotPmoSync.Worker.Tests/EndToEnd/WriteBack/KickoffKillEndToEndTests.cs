using System.Diagnostics;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.WriteBack;

/// <summary>
/// Kickoff is crash safe (issue 6): the real executable running <c>sync</c> is killed with SIGKILL at 10 random
/// points — after a random number of writes HubSpot applied (mid-batch included), or after a random delay — then run
/// to completion; every won deal ends with exactly one project, linked to the deal and the deal's company.
/// </summary>
public sealed class KickoffKillEndToEndTests(ITestOutputHelper log)
{
    // 300 won deals: kickoff (3 upsert batches, 600 links) and the pushes that follow take several runs, so every
    // kill lands in work still in progress, also on a fast machine.
    [Fact]
    public async Task Sync_KilledAtTenRandomPointsThenRerun_ExactlyOneLinkedProjectPerWonDeal()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        var added = await PortalSeeding.AddWonDealsAsync(h.Emulator, 300);
        await h.RunOkAsync("schema", "apply");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        log.WriteLine($"random seed {seed}; {added.Count} won deals added to the demo portal");

        var interrupted = 0;
        for (var point = 0; point < 10; point++)
        {
            var clock = Stopwatch.StartNew();
            var writesAtStart = WritesApplied(h);
            using var worker = WorkerProcess.Start(h.Folder, h.Environment(), "sync");
            string how;
            if (point % 2 == 0)
            {
                // After N writes HubSpot applied in this run: upserts, links and pushes are counted per record.
                var n = random.Next(1, 150);
                how = $"after {n} applied writes";
                while (!worker.HasExited && WritesApplied(h) - writesAtStart < n && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(2);
                }
            }
            else
            {
                var delay = random.Next(100, 1500);
                how = $"after {delay} ms";
                await Task.Delay(delay);
            }

            var wasRunning = !worker.HasExited;
            worker.Kill();
            interrupted += wasRunning ? 1 : 0;
            log.WriteLine($"point {point}: SIGKILL {how} ({(wasRunning ? "killed while running" : "had already finished")}), {WritesApplied(h) - writesAtStart} writes applied, {clock.ElapsedMilliseconds} ms");
        }

        var (code, output, error) = await WorkerProcess.RunAsync(h.Folder, h.Environment(), TimeSpan.FromMinutes(2), "sync");
        Assert.True(code == 0, $"final sync exited {code}\n{output}\n{error}");
        Assert.True(interrupted >= 7, $"only {interrupted} of 10 kills interrupted a running sync");

        var state = h.Emulator.Control.ExportState();
        var wonDeals = state.Live("deals").Where(d => d.Prop("dealstage") == PortalSeeding.ClosedWon).ToList();
        Assert.True(wonDeals.Count >= 300);
        var projects = state.Live("projects").ToList();

        // Looked up once, so the checks stay linear in the won deals (per deal and project they took minutes at 1,000 deals).
        var projectsByDeal = projects
            .SelectMany(p => state.Linked("projects", p.Id, "deals").Select(d => (DealId: d, Project: p)))
            .ToLookup(x => x.DealId, x => x.Project, StringComparer.Ordinal);
        var projectsByCode = projects.Where(p => p.Prop("project_code") is not null).ToLookup(p => p.Prop("project_code")!, StringComparer.Ordinal);
        var addedIds = added.ToHashSet(StringComparer.Ordinal);
        foreach (var deal in wonDeals)
        {
            var linked = projectsByDeal[deal.Id].ToList();
            Assert.True(linked.Count == 1, $"won deal {deal.Id} has {linked.Count} projects");
            var project = linked[0];
            var byCode = projectsByCode["D" + deal.Id].ToList();
            if (addedIds.Contains(deal.Id))
            {
                Assert.Equal(project.Id, Assert.Single(byCode).Id);
            }

            Assert.Contains(deal.Id, state.Linked("projects", project.Id, "deals"));
            foreach (var company in state.Linked("deals", deal.Id, "companies"))
            {
                Assert.Contains(company, state.Linked("projects", project.Id, "companies"));
            }
        }

        // Nothing but the won deals got a kickoff project, and no code is used twice.
        var codes = projects.Select(p => p.Prop("project_code")).Where(c => c is not null).ToList();
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        var wonIds = wonDeals.Select(d => "D" + d.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(codes.Where(c => c!.StartsWith('D')), c => Assert.Contains(c!, wonIds));
    }

    private static long WritesApplied(WriteBackHarness h) => h.Emulator.Control.Stats().Writes.Values.Sum();
}
