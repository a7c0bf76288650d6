using System.CommandLine;
using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>status</c>: cursors, ledger counts by status with the reasons, whether a cycle runs now, and the last runs;
/// with <c>--object T --id ID</c>, everything known of one record. Reads only.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var runs = new Option<int>("--runs") { Description = "How many recent runs to list.", DefaultValueFactory = _ => 10, CustomParser = NumberArguments.WholeNumber("status --runs") };
        var objectType = ObjectKindOption.Create("Show this object type only (with --id: the record's type).");
        var id = new Option<string?>("--id")
        {
            Description = "One record's HubSpot id (with --object): its ledger row (why it is or isn't in sync), stored values, links, what was written back to it, its dead letters and latest audit lines.",
        };
        var audit = new Option<int>("--audit")
        {
            Description = "With --id: how many of the record's latest audit lines to show.",
            DefaultValueFactory = _ => 10,
            CustomParser = NumberArguments.WholeNumber("status --audit"),
        };
        var command = new Command("status", "Show cursors, ledger counts by status (in sync / excluded / failing, with reasons) and the last runs; or one record (--object T --id ID).")
        {
            runs, objectType, id, audit,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            // --runs and --audit are whole numbers of 0 or more: their parsers (NumberArguments) make sure of it.
            var lastRuns = parse.GetValue(runs);
            var kind = ObjectKindOption.Parse(parse.GetValue(objectType));
            var recordId = parse.GetValue(id);
            if (recordId is not null)
            {
                recordId = recordId.Trim();
                if (recordId.Length == 0)
                {
                    throw new UserInputException("--id must not be empty.");
                }

                if (kind is null)
                {
                    throw new UserInputException("--id needs --object: the record's type (companies, deals, tickets or projects).");
                }
            }

            var auditLines = parse.GetValue(audit);

            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Status).Build();
            var storage = await ExistingDatabase.RequireAsync(host.Services, cancellationToken);
            var store = host.Services.GetRequiredService<IDeliveryStore>();
            if (recordId is null)
            {
                var status = await store.GetStatusAsync(lastRuns, cancellationToken);
                await env.Output.WriteAsync(Render(status, await host.Services.GetRequiredService<ICycleLock>().ProbeAsync(cancellationToken), kind));
                if (status.DatabaseExists && host.Services.GetService<Core.Sync.Completeness.ICompletenessStore>() is { } positions)
                {
                    await env.Output.WriteAsync(await CompletenessStatus.RenderAsync(positions, kind, cancellationToken));
                }

                return ExitCodes.Success;
            }

            var mappings = host.Services.GetRequiredService<MappingProvider>().Mappings;
            var inspection = await RecordInspector.InspectAsync(
                store, storage.ReadOnlyWriteBack, mappings, kind!.Value, recordId, auditLines, DeliveryCycle.KickoffOptionsFor(mappings), cancellationToken);
            await env.Output.WriteAsync(RenderRecord(inspection));
            return ExitCodes.Success;
        }));
        return command;
    }

    private const string NoDatabase = "no database yet: run 'hubspot-pmo-sync sync' first.\n";

    /// <param name="cycle">Whether a cycle runs now (the database's cycle lock), which tells a running cycle's run from
    /// one whose process ended without an outcome.</param>
    /// <param name="only">The one object type to show; all when null.</param>
    internal static string Render(SyncStatus status, CycleLockState cycle, EntityKind? only = null)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        if (!status.DatabaseExists)
        {
            w.Write(NoDatabase);
            return w.ToString();
        }

        w.WriteLine($"{"object",-10} {"records",8} {"archived",8} {"links",8} {"in sync",8} {"excluded",8} {"failing",8}  {"settled cursor",-24} {"fast cursor",-24} listing");
        foreach (var o in status.Objects.Where(o => only is null || o.Kind == only))
        {
            long Count(LedgerStatus s) => o.LedgerCounts.TryGetValue(s, out var n) ? n : 0;
            var listing = o.Cursor.ListInProgress ? $"in progress after {o.Cursor.ListAfter ?? "start"}{Ranges(o.Cursor)}" : o.Cursor.Listed ? "complete" : "never";
            w.WriteLine(
                $"{o.Kind.ToString().ToLowerInvariant(),-10} {o.Records,8} {o.ArchivedRecords,8} {o.Links,8} {Count(LedgerStatus.InSync),8} {Count(LedgerStatus.Excluded),8} {Count(LedgerStatus.Failing),8}  {Stamp(o.Cursor.Settled),-24} {Stamp(o.Cursor.Fast),-24} {listing}");
        }

        var reasons = status.Objects.Where(o => only is null || o.Kind == only).SelectMany(o => o.Reasons.Select(r => (o.Kind, r))).ToList();
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

    /// <summary>A partitioned listing's progress: <c>, id ranges 3/8 done (2 searching)</c>; empty when not partitioned.</summary>
    internal static string Ranges(SyncCursorState cursor)
    {
        if (cursor.Partitions.Count == 0)
        {
            return string.Empty;
        }

        var done = cursor.Partitions.Count(p => p.Done);
        var searching = cursor.Partitions.Count(p => !p.Done && p.Reader == SyncPartitionReader.Search);
        return string.Create(CultureInfo.InvariantCulture, $", id ranges {done}/{cursor.Partitions.Count} done ({searching} searching)");
    }

    /// <summary>One record: why it is or isn't in sync, what is stored, its links, and what was written back to it.</summary>
    internal static string RenderRecord(RecordInspection r)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        var type = r.Kind.Plural();
        var one = r.Kind.ToString().ToLowerInvariant();
        w.WriteLine($"{type} {r.Id}{(r.HubSpotObject is { } o && o != type ? $" (HubSpot object {o})" : string.Empty)}");
        if (r.Ledger is not { } ledger)
        {
            w.WriteLine("  never seen by the sync: no ledger row.");
            w.WriteLine(r.Cursor switch
            {
                { Listed: false, ListInProgress: false } => $"  {type} were never listed: 'hubspot-pmo-sync sync' reads them all.",
                { ListInProgress: true } => $"  the listing of {type} is in progress (after {r.Cursor.ListAfter ?? "the start"}): the next sync goes on with it.",
                { Settled: { } settled } =>
                    $"  every change made to {type} in HubSpot before {Stamp(settled)} is stored: if this one changed after that, the next sync brings it; otherwise check that {r.Id} is a {one} id, or run 'sync --full'.",
                _ => $"  the last listing of {type} did not include it: check the id, or run 'sync --full'.",
            });
            if (r.HubSpotObject is null)
            {
                w.WriteLine($"  {type} are not mapped in the mappings file.");
            }

            return w.ToString();
        }

        var status = ledger.Status switch
        {
            LedgerStatus.InSync => "in sync",
            LedgerStatus.Excluded => $"excluded: {ledger.Reason}",
            _ => $"failing: {ledger.Reason}",
        };
        w.WriteLine($"  ledger: {status}");
        w.WriteLine($"    HubSpot updatedAt when last stored {Stamp(ledger.UpdatedAt)}; ledger row last changed {Stamp(ledger.LastChangedAt)}");
        if (r.Record is not { } record)
        {
            w.WriteLine("  stored: no (the record is not in the local model; it comes back when HubSpot's values let it in)");
        }
        else
        {
            var state = record.Archived ? $"archived in HubSpot (marked {Stamp(record.ArchivedAt)}); history kept" : "live";
            if (ledger.Status == LedgerStatus.Failing)
            {
                state += ", left out of the delivery model (health, rollups, reports) while it fails";
            }

            var inbound = record.LocalChangedAt is { } changed ? $"inbound values last changed {Stamp(changed)}" : "inbound values unchanged since first stored";
            w.WriteLine($"  stored: {state}; created {Stamp(record.CreatedAt)}, updated {Stamp(record.UpdatedAt)} in HubSpot; {inbound}");
        }

        if (r.Fields.Count > 0)
        {
            w.WriteLine("  fields (HubSpot property → local field: HubSpot's value → local value):");
            var width = r.Fields.Max(f => Field(f).Length);
            foreach (var f in r.Fields)
            {
                var local = f.Mapping.IsInbound ? Display(f.Local) : "(outbound: written by the worker)";
                w.WriteLine($"    {Field(f).PadRight(width)}  {Display(f.HubSpotValue)} → {local}");
            }
        }

        w.WriteLine(r.Links.Count == 0 ? "  links: none" : $"  links ({r.Links.Count}):");
        foreach (var l in r.Links)
        {
            var kinds = string.Join(", ", l.Kinds.Select(k => k.Label is { Length: > 0 } label ? $"{k.TypeId} '{label}'" : k.TypeId.ToString(CultureInfo.InvariantCulture)));
            w.WriteLine($"    {l.OtherKind.ToString().ToLowerInvariant()} {l.OtherId} (types {kinds})");
        }

        if (r.Kickoff.Count > 0)
        {
            w.WriteLine($"  kickoff (its project, newest first):");
            foreach (var a in r.Kickoff)
            {
                var detail = a.Detail is { Length: > 0 } d ? $": {d}" : string.Empty;
                w.WriteLine($"    {Stamp(a.At)} {a.Decision} {a.ObjectType}/{a.RecordKey} ({a.Property} {Display(a.After)}){detail}");
            }
        }

        if (r.WriteBack.Count > 0)
        {
            w.WriteLine($"  written back ({r.HubSpotObject}):");
            foreach (var p in r.WriteBack)
            {
                var s = p.State;
                var seen = s.HasObserved ? $"the last pull saw {Display(s.ObservedValue)} (changed {Stamp(s.ObservedChangedAt)})" : "not pulled yet";
                var pushed = s.HasPushed ? $"pushed {Display(s.PushedValue)} at {Stamp(s.PushedAt)}" : "never pushed";
                w.WriteLine($"    {p.Property}: {seen}; {pushed}");
                if (p.Pending is { } pending)
                {
                    var attempts = pending.Attempts == 0 ? string.Empty : $", {pending.Attempts} failed attempt{(pending.Attempts == 1 ? string.Empty : "s")}: {pending.LastError}";
                    w.WriteLine($"      pending: {Display(pending.Change.Value)} since {Stamp(pending.EnqueuedAt)}{attempts}");
                }

                if (s.Kept is { } kept)
                {
                    w.WriteLine($"      kept for HubSpot ({kept.Policy}): HubSpot's {Display(kept.HubSpotValue)} over the local {Display(kept.LocalValue)}");
                }
            }
        }

        if (r.DeadLetters.Count > 0)
        {
            w.WriteLine($"  dead letters ({r.DeadLetters.Count}; 'dlq replay ID' sends one again):");
            foreach (var d in r.DeadLetters)
            {
                var held = d.Rejected ? " (held: not sent again until replayed or the value changes)" : " (the next sync tries again)";
                w.WriteLine($"    #{d.Id} {d.Change.Property} = {Display(d.Change.Value)} failed {Stamp(d.FailedAt)}: {d.Category}: {d.Message}{held}");
            }
        }

        if (r.Audit.Count > 0)
        {
            w.WriteLine($"  audit (latest {r.Audit.Count}, newest first):");
            foreach (var a in r.Audit)
            {
                var change = a.Property is null ? a.After ?? string.Empty : $"{a.Property} {Display(a.Before)} → {Display(a.After)}";
                var detail = a.Detail is { Length: > 0 } d ? $": {d}" : string.Empty;
                w.WriteLine($"    {Stamp(a.At)} {a.Decision} {change} [{a.Policy}, {a.Source}]{detail}");
            }
        }

        return w.ToString();

        static string Field(InspectedField f) =>
            $"{f.Mapping.HubSpot} → {f.Mapping.Local}{(f.Mapping.Transform.Kind == Core.Mapping.TransformKind.None ? string.Empty : $" ({f.Mapping.Transform.Name})")}";
    }

    private static string Display(string? value) => WriteBackValues.Display(value);

    private static string Stamp(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";
}
