using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.WriteBack;

/// <summary>
/// <c>sync</c> against the emulator over HTTP with a real SQLite file (issue 6): no write when nothing changed,
/// the dry-run plan equals what the real run writes — also under injected faults, with no duplicate project and no
/// lost write.
/// </summary>
public sealed class SyncWriteBackEndToEndTests(ITestOutputHelper log)
{
    private const string Faults = "429:0.1,503:0.05,reset:0.02,truncate:0.01";

    [Fact]
    public async Task Sync_ConsecutiveCyclesWithoutSourceChange_TheUnchangedCycleMakesNoWriteCalls()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await h.RunOkAsync("schema", "apply");

        // Cycle 1 kicks off and pushes everything; cycle 2 pulls the echo of those writes (and the trend, which needs
        // a second health snapshot, may move once). From then on nothing changes at the source: no HubSpot edit, no
        // import, no new deal — the next cycle must not write at all.
        var calls = new List<long>();
        for (var cycle = 1; cycle <= 3; cycle++)
        {
            var before = h.WriteCalls();
            var result = await h.RunOkAsync("sync");
            calls.Add(h.WriteCalls() - before);
            log.WriteLine($"cycle {cycle}: {calls[^1]} write calls; {result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("push:", StringComparison.Ordinal))}");
        }

        Assert.True(calls[0] > 0, "the first cycle should push health");
        Assert.True(calls[2] == 0, $"the unchanged cycle made {calls[2]} write calls: {h.WriteCallsByRoute()}");
        Assert.Equal(0, h.Scalar("SELECT COUNT(*) FROM wb_outbox"));
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(Faults, 7)]
    [InlineData(Faults, 11)]
    [InlineData(Faults, 23)]
    public async Task Sync_AfterDryRun_WritesWhatThePlanSaid(string? faults, int faultSeed)
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await h.RunOkAsync("schema", "apply");
        await h.RunOkAsync("sync");
        await h.RunOkAsync("sync");

        // Source changes: 60 newly won deals (kickoff, linked to the first 6 companies) and the demo time entries
        // (actual cost → health of the demo projects). The local model learns the deals with a pull-only sync.
        var added = await PortalSeeding.AddWonDealsAsync(h.Emulator, 60, companiesUsed: 6);
        await h.RunOkAsync("import", "time-entries", Path.Combine(AppContext.BaseDirectory, "config", "demo", "time-entries.csv"));
        await h.RunOkAsync("sync", "--no-push");
        var before = h.Emulator.Control.ExportState();
        if (faults is not null)
        {
            h.Emulator.Control.SetFaults(faults, faultSeed);
        }

        var writesBeforeDryRun = h.WriteCalls();

        // What the earlier in-process commands left in the write-ahead log goes into the file now: otherwise the pool
        // closing their idle connections during the dry run checkpoints it, which moves the file's time although the dry
        // run wrote nothing.
        h.Checkpoint();
        var dbBefore = File.GetLastWriteTimeUtc(h.DatabasePath);
        var dry = await h.RunOkAsync("sync", "--dry-run");
        Assert.Equal(writesBeforeDryRun, h.WriteCalls());
        Assert.Equal(dbBefore, File.GetLastWriteTimeUtc(h.DatabasePath));
        var plan = PrintedPlan.Parse(dry.Output);
        log.WriteLine(plan.Total);
        Assert.Equal(added.Count, plan.Creates.Count);
        Assert.NotEmpty(plan.Updates);

        var auditBefore = h.Audit().Count;
        var real = await h.RunAsync("sync");
        var stats = h.Emulator.Control.Stats();
        h.Emulator.Control.SetFaults(null);
        log.WriteLine($"sync exited {real.Code}; {stats.FaultEvents.Count} faults injected ({string.Join(", ", stats.FaultEvents.GroupBy(f => f.Kind).Select(g => $"{g.Key} x{g.Count()}"))}), on writes: {string.Join(", ", stats.FaultEvents.Where(f => f.IsWrite).Select(f => $"{f.Kind} {f.Method} {f.Path} applied={f.Applied}"))}");
        log.WriteLine(string.Join('\n', real.Output.Split('\n').Where(l => l.StartsWith("push:", StringComparison.Ordinal) || l.StartsWith("kickoff:", StringComparison.Ordinal))));
        Assert.True(real.Code == 0, $"sync exited {real.Code}\n{real.Output}\n{real.Error}");
        var after = h.Emulator.Control.ExportState();

        // Creates: every planned project exists exactly once, and nothing else was created.
        var beforeIds = before.Live("projects").Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var created = after.Live("projects").Where(p => !beforeIds.Contains(p.Id)).ToList();
        Assert.Equal(
            plan.Creates.Select(c => c.Key).Order(StringComparer.Ordinal),
            created.Select(p => p.Prop("project_code")!).Order(StringComparer.Ordinal));
        var codes = after.Live("projects").Select(p => p.Prop("project_code")).Where(c => c is not null).ToList();
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());

        // Links: the planned associations of the new projects, and no other.
        var codeOf = created.ToDictionary(p => p.Id, p => p.Prop("project_code")!, StringComparer.Ordinal);
        var links = after.Associations
            .Where(a => a.FromType == "projects" && codeOf.ContainsKey(a.FromId))
            .Select(a => (a.FromType, codeOf[a.FromId], a.ToType, a.ToId))
            .Distinct()
            .Order()
            .ToList();
        Assert.Equal(plan.Associations.Order().ToList(), links);

        // Updates: the plan was computed before kickoff, so records whose values kickoff changes (the new projects, the
        // won deals and the companies they are linked to) are left out of the comparison; every other planned write
        // is in HubSpot, and (without faults) the audit log lists exactly those writes.
        var affected = added.Select(d => ("deals", d))
            .Concat(added.SelectMany(d => after.Linked("deals", d, "companies")).Select(c => ("companies", c)))
            .Concat(created.Select(p => ("projects", p.Id)))
            .ToHashSet();
        // The new projects' own values are planned under their code (HubSpot gives the id when kickoff creates them).
        var createdCodes = plan.Creates.Select(c => "project_code:" + c.Key).ToHashSet(StringComparer.Ordinal);
        var forNew = plan.Updates.Where(u => u.RecordKey.StartsWith("project_code:", StringComparison.Ordinal)).ToList();
        Assert.All(forNew, u => Assert.Contains(u.RecordKey, createdCodes));
        Assert.Equal(createdCodes.Order(StringComparer.Ordinal), forNew.Select(u => u.RecordKey).Distinct().Order(StringComparer.Ordinal));
        var planned = plan.Updates.Where(u => !affected.Contains((u.ObjectType, u.RecordKey)) && !createdCodes.Contains(u.RecordKey)).ToList();
        Assert.NotEmpty(planned);
        var deadLetters = h.DeadLetters();
        Assert.All(deadLetters, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
        foreach (var u in planned.Where(u => u.Property != "last_synced_at"))
        {
            if (deadLetters.Any(d => d.ObjectType == u.ObjectType && d.RecordKey == u.RecordKey && d.Property == u.Property))
            {
                continue;
            }

            var record = after.Live(u.ObjectType).Single(r => r.Id == u.RecordKey);
            Assert.True(
                WriteBackValues.Display(record.Prop(u.Property)) == u.After || Same(record.Prop(u.Property), u.After),
                $"{u.ObjectType}/{u.RecordKey}.{u.Property}: planned {u.After}, HubSpot has {WriteBackValues.Display(record.Prop(u.Property))}");
        }

        var pushed = h.Audit()
            .Skip(auditBefore)
            .Where(a => a.Decision is AuditDecisions.Pushed or AuditDecisions.OverwroteHubSpot && !affected.Contains((a.ObjectType, a.RecordKey)))
            .Select(a => (a.ObjectType, a.RecordKey, a.Property!, a.Property == "last_synced_at" ? "*" : WriteBackValues.Display(a.After)))
            .ToList();
        var expected = planned.Select(u => (u.ObjectType, u.RecordKey, u.Property, u.Property == "last_synced_at" ? "*" : u.After)).ToList();
        var latest = pushed.GroupBy(p => (p.Item1, p.Item2, p.Item3)).Select(g => g.Last()).ToList();
        Assert.Empty(expected.Except(latest).Take(10));
        if (faults is null)
        {
            Assert.Empty(latest.Except(expected).Take(10));
            Assert.Empty(deadLetters);
        }

        // No lost write: the outbox drained; whatever HubSpot refused is a dead letter with its reason.
        Assert.Equal(0, h.Scalar("SELECT COUNT(*) FROM wb_outbox"));
    }

    private static bool Same(string? actual, string planned) =>
        decimal.TryParse(actual, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var a)
        && decimal.TryParse(planned, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b)
        && a == b;
}
