using System.CommandLine;
using System.Globalization;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary><c>status</c>: cursors, ledger counts by status with the reasons, whether a cycle runs now, and the last runs. Reads only.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var runs = new Option<int>("--runs") { Description = "How many recent runs to list.", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "Show cursors, ledger counts by status (in sync / excluded / failing, with reasons) and the last runs.") { runs };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var lastRuns = parse.GetValue(runs);
            if (lastRuns < 0)
            {
                throw new UserInputException("--runs must not be negative.");
            }

            using var host = WorkerHost.CreateBuilder(env).Build();
            var status = await host.Services.GetRequiredService<IDeliveryStore>().GetStatusAsync(lastRuns, cancellationToken);
            var cycle = CycleLock.Probe(host.Services.GetRequiredService<SqliteDatabase>());
            await env.Output.WriteAsync(Render(status, cycle));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <param name="cycle">Whether a cycle runs now (the database's cycle lock), which tells a running cycle's run from
    /// one whose process ended without an outcome.</param>
    internal static string Render(SyncStatus status, CycleLockState cycle)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        if (!status.DatabaseExists)
        {
            w.WriteLine("no database yet: run 'hubspot-pmo-sync sync' first.");
            return w.ToString();
        }

        w.WriteLine($"{"object",-10} {"records",8} {"archived",8} {"links",8} {"in sync",8} {"excluded",8} {"failing",8}  {"settled cursor",-24} {"fast cursor",-24} listing");
        foreach (var o in status.Objects)
        {
            long Count(LedgerStatus s) => o.LedgerCounts.TryGetValue(s, out var n) ? n : 0;
            var listing = o.Cursor.ListInProgress ? $"in progress after {o.Cursor.ListAfter ?? "start"}" : o.Cursor.Listed ? "complete" : "never";
            w.WriteLine(
                $"{o.Kind.ToString().ToLowerInvariant(),-10} {o.Records,8} {o.ArchivedRecords,8} {o.Links,8} {Count(LedgerStatus.InSync),8} {Count(LedgerStatus.Excluded),8} {Count(LedgerStatus.Failing),8}  {Stamp(o.Cursor.Settled),-24} {Stamp(o.Cursor.Fast),-24} {listing}");
        }

        var reasons = status.Objects.SelectMany(o => o.Reasons.Select(r => (o.Kind, r))).ToList();
        if (reasons.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("not in sync:");
            foreach (var (kind, r) in reasons)
            {
                w.WriteLine($"  {kind.ToString().ToLowerInvariant()} {r.Status.Name()} ×{r.Count}: {r.Reason} (e.g. {string.Join(", ", r.ExampleIds)})");
            }
        }

        w.WriteLine();
        w.WriteLine(cycle switch
        {
            { Held: true } => "cycle: running now (another process holds the database's cycle lock)",
            { LastHolder: { } last } => $"cycle: none running (last: {last})",
            _ => "cycle: none running",
        });

        if (status.LastRuns.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("last runs:");
            var running = cycle.Held ? status.LastRuns.Where(r => r.Outcome is null).Select(r => (long?)r.Id).Max() : null;
            foreach (var run in status.LastRuns)
            {
                var outcome = run.Outcome ?? (run.Id == running ? "running" : "no outcome (its process ended first, e.g. killed)");
                w.WriteLine($"  #{run.Id} {run.Kind} {Stamp(run.StartedAt)} → {outcome}: {run.Summary}");
            }
        }

        return w.ToString();
    }

    private static string Stamp(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";
}
