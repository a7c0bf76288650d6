using System.Globalization;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Ops;

/// <summary>
/// The first connection to a portal, as a new user makes it (issue 17, points 1 and 2), over HTTP on the emulator with a
/// real SQLite file: the first dry run plans what the first sync then does, a portal without the outbound properties
/// stops the sync before any write, and a cycle whose writes HubSpot rejects fails.
/// </summary>
public sealed class FirstConnectionTests(ITestOutputHelper log)
{
    [Fact]
    public async Task DryRun_OnANewDatabase_PlansExactlyWhatTheFirstSyncThenDoes()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await h.RunOkAsync("schema", "apply");

        var writes = h.WriteCalls();
        var dry = await h.RunOkAsync("sync", "--dry-run");
        Assert.Equal(writes, h.WriteCalls());
        foreach (var path in new[] { h.DatabasePath, h.DatabasePath + "-wal", h.DatabasePath + "-shm", h.DatabasePath + ".lock" })
        {
            Assert.False(File.Exists(path), $"the dry run left {path} behind");
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(h.Folder));
        var plan = PrintedPlan.Parse(dry.Output);
        log.WriteLine(plan.Total);
        Assert.NotEmpty(plan.Creates);
        Assert.NotEmpty(plan.Updates);

        var real = await h.RunOkAsync("sync");
        log.WriteLine(string.Join('\n', real.Output.Split('\n').Where(l => l.StartsWith("push:", StringComparison.Ordinal) || l.StartsWith("kickoff:", StringComparison.Ordinal))));
        var created = Number(real.Output, @"^kickoff: (\d+) projects? created");
        var push = Regex.Match(real.Output, @"^push: .*pushed (\d+) properties on (\d+) records", RegexOptions.Multiline);
        Assert.True(push.Success, real.Output);
        var properties = int.Parse(push.Groups[1].Value, CultureInfo.InvariantCulture);
        var records = int.Parse(push.Groups[2].Value, CultureInfo.InvariantCulture);

        Assert.StartsWith($"Total: {created} creates, {properties} property updates on {records} records,", plan.Total, StringComparison.Ordinal);
        Assert.Equal(created, plan.Creates.Count);
        Assert.Equal(properties, plan.Updates.Count);

        // Per object type and property, the plan's updates are the writes the sync audited.
        var pushed = h.Audit()
            .Where(a => a.Decision is AuditDecisions.Pushed or AuditDecisions.OverwroteHubSpot)
            .GroupBy(a => $"{a.ObjectType}.{a.Property}")
            .Select(g => $"{g.Key} x{g.Count()}")
            .Order(StringComparer.Ordinal);
        var planned = plan.Updates
            .GroupBy(u => $"{u.ObjectType}.{u.Property}")
            .Select(g => $"{g.Key} x{g.Count()}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(planned, pushed);
        Assert.Empty(h.DeadLetters());
    }

    [Fact]
    public async Task Sync_PortalWithoutSchemaApply_Exits2BeforeAnyWriteNamingTheMissingProperties()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");

        var result = await h.RunAsync("sync");

        log.WriteLine(result.Error);
        Assert.Equal(ExitCodes.BadInput, result.Code);
        Assert.Contains("run `schema apply`", result.Error, StringComparison.Ordinal);
        Assert.Contains("projects.health_status", result.Error, StringComparison.Ordinal);
        Assert.Contains("deals.delivery_health", result.Error, StringComparison.Ordinal);
        Assert.Contains("companies.budget_variance", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.WriteCalls());
        Assert.False(File.Exists(h.DatabasePath), "the sync opened the store before stopping");
    }

    [Fact]
    public async Task Sync_EveryWriteRejected_Exits1WithTheReasonsCounted()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");

        // The portal check skipped, the writes reach HubSpot, which rejects every one: no outbound property exists.
        var result = await h.RunAsync("sync", "--skip-portal-check");

        log.WriteLine(result.Error);
        Assert.Equal(ExitCodes.RuntimeFailure, result.Code);
        var letters = h.DeadLetters();
        Assert.NotEmpty(letters);
        Assert.Matches(@$"error: {letters.Count} of \d+ writes were rejected \(\d+ %, above Sync:MaxRejectedShare 0\.2\)", result.Error);
        foreach (var reason in letters.GroupBy(d => $"{d.Category}: {d.Message}"))
        {
            Assert.Contains($"  {reason.Count()} × {reason.Key}\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }

        // The cycle's report is still printed: the pull was stored, and the dead letters keep every value.
        Assert.Contains("push: ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_RejectedShareAtOrBelowTheMaximum_Exits0()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        var overrides = h.Overrides();
        overrides["Sync:MaxRejectedShare"] = "1";

        var (code, output, error) = await InProcess.RunAsync(overrides, "sync", "--skip-portal-check");

        Assert.True(code == 0, error);
        Assert.NotEmpty(h.DeadLetters());
        Assert.Contains("dead-lettered", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CycleWithEveryWriteRejected_IsLoggedAsFailedWithTheReasons()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        var environment = new Dictionary<string, string>(h.Environment())
        {
            ["Schedule__IncrementalEvery"] = "00:00:10",
            ["Schedule__ReconcileCron"] = "0 0 2 1 1 ? 2099",
        };

        using var worker = WorkerProcess.Start(h.Folder, environment, "run");
        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle failed: HubSpot rejected", TimeSpan.FromSeconds(90));
        Signals.Terminate(worker.Id);
        var code = await worker.WaitAsync(TimeSpan.FromSeconds(60));

        log.WriteLine(worker.Error);
        Assert.True(code == ExitCodes.Success, $"exit {code}\nstderr:\n{worker.Error}");
        var letters = h.DeadLetters();
        Assert.NotEmpty(letters);
        Assert.Contains($"incremental-sync: cycle failed: HubSpot rejected {letters.Count} of ", worker.Error, StringComparison.Ordinal);
        var top = letters.GroupBy(d => $"{d.Category}: {d.Message}").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        Assert.Contains($"by reason: {top.Count()} × {top.Key}", worker.Error, StringComparison.Ordinal);
    }

    private static int Number(string output, string pattern)
    {
        var match = Regex.Match(output, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"no line matches {pattern}:\n{output}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
