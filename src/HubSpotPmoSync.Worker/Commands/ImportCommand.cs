using System.CommandLine;
using System.Globalization;
using System.Text;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>import time-entries FILE</c> / <c>import milestones FILE</c>: CSV import as one batch; bad rows go with their line
/// and reason to <c>FILE.rejects.csv</c>, the rest is imported; importing the same file again changes nothing.
/// <c>import list</c> shows the batches, <c>import undo BATCH</c> takes one back.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CommandEnvironment env)
    {
        return new Command("import", "Import delivery data that lives outside HubSpot (CSV); list or undo import batches.")
        {
            Sub(env, "time-entries", "Import time entries (a timesheet export; columns mapped under Import:TimeEntries).", ImportTimeEntries),
            Sub(env, "milestones", "Import milestones (project code, name, planned date, actual date, weight, percent complete).", ImportMilestones),
            List(env),
            Undo(env),
        };
    }

    private static Command Sub(CommandEnvironment env, string name, string description, Func<IServiceProvider, string, IReadOnlyCollection<string>, CancellationToken, Task<ImportResult>> import)
    {
        var file = new Argument<string>("FILE") { Description = "The CSV file." };
        var command = new Command(name, description) { file };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var path = parse.GetValue(file)!;
            using var host = WorkerHost.CreateBuilder(env).Build();
            await RequireDatabaseAsync(host.Services, cancellationToken);
            await host.Services.GetRequiredService<IStorageView>().EnsureWritableAsync(cancellationToken);
            var result = await RunAsync(host.Services, path, import, cancellationToken);
            foreach (var warning in result.Warnings)
            {
                await env.Error.WriteLineAsync("warning: " + warning);
            }

            await env.Output.WriteLineAsync(Describe(name, result));
            return result.Rejected > 0 ? ExitCodes.BadInput : ExitCodes.Success;
        }));
        return command;
    }

    private static Command List(CommandEnvironment env)
    {
        var command = new Command("list", "List the import batches: id, kind, when, counts, file, and whether undone.");
        command.SetAction((_, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            using var host = WorkerHost.CreateBuilder(env).Build();
            await RequireDatabaseAsync(host.Services, cancellationToken);
            var batches = await host.Services.GetRequiredService<IDeliveryDataStore>().ListImportBatchesAsync(cancellationToken);
            await env.Output.WriteAsync(batches.Count == 0 ? "no import batches.\n" : Batches(batches));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Undo(CommandEnvironment env)
    {
        var batch = new Argument<string>("BATCH") { Description = "The batch to undo (its id, as printed by the import and by 'import list')." };
        var command = new Command("undo", "Undo an import batch: remove the rows it added and restore the rows it replaced.") { batch };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var text = parse.GetValue(batch)!;
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new UserInputException($"BATCH '{text}' is not a batch id (a whole number above 0); 'import list' shows the batches.");
            }

            using var host = WorkerHost.CreateBuilder(env).Build();
            await RequireDatabaseAsync(host.Services, cancellationToken);
            var time = host.Services.GetRequiredService<TimeProvider>();
            var result = await host.Services.GetRequiredService<IDeliveryDataStore>().UndoImportBatchAsync(id, time.GetUtcNow(), cancellationToken);
            var shown = id.ToString(CultureInfo.InvariantCulture);
            switch (result.Outcome)
            {
                case ImportUndoOutcome.NotFound:
                    throw new UserInputException($"there is no import batch '{shown}'; 'import list' shows the batches.");
                case ImportUndoOutcome.AlreadyUndone:
                    throw new UserInputException($"import batch '{shown}' is already undone; 'import list' shows the batches.");
                case ImportUndoOutcome.NotRecorded:
                    throw new UserInputException($"import batch '{shown}' was imported before undo was recorded (an older version), so what it replaced is unknown; nothing was changed. 'import list' shows the batches.");
                case ImportUndoOutcome.Superseded:
                    var later = string.Join(", ", result.LaterBatches.Select(b => "batch " + b.ToString(CultureInfo.InvariantCulture)));
                    throw new UserInputException($"import batch '{shown}' cannot be undone: {later} changed its rows since. Undo {(result.LaterBatches.Count == 1 ? "it" : "them")} first (newest first); nothing was changed. 'import list' shows the batches.");
                default:
                    await env.Output.WriteLineAsync($"batch {shown} undone: {result.Removed.ToString(CultureInfo.InvariantCulture)} removed, {result.Restored.ToString(CultureInfo.InvariantCulture)} restored to their earlier values.");
                    return ExitCodes.Success;
            }
        }));
        return command;
    }

    /// <summary>
    /// Imports need the projects a sync stored (their codes), and list and undo need the batches: on a database that
    /// does not exist (a mistyped <c>Storage:DatabasePath</c>) the command stops without creating one.
    /// </summary>
    private static async Task RequireDatabaseAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<IStorageView>();
        if (!await storage.ExistsAsync(cancellationToken))
        {
            throw new UserInputException(storage is SqliteStorageView
                ? $"no database at {services.GetRequiredService<SqliteDatabase>().DatabasePath} — run `sync` first, or check Storage:DatabasePath."
                : $"no HubSpotPmoSync tables in {storage.Description} — run `sync` first, or check Storage:ConnectionString.");
        }
    }

    internal static async Task<ImportResult> RunAsync(
        IServiceProvider services, string path, Func<IServiceProvider, string, IReadOnlyCollection<string>, CancellationToken, Task<ImportResult>> import, CancellationToken cancellationToken)
    {
        // Every import setting is checked before anything is read or written.
        _ = services.GetRequiredService<IOptions<ImportOptions>>().Value;
        _ = services.GetRequiredService<IOptions<TimeEntryImportOptions>>().Value;
        _ = services.GetRequiredService<IOptions<MilestoneImportOptions>>().Value;
        var model = await services.GetRequiredService<IDeliveryStore>().LoadModelAsync(cancellationToken);
        var codes = model.Projects.Where(p => !p.Archived && p.Code.Length > 0).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        try
        {
            return await import(services, path, codes, cancellationToken);
        }
        catch (ImportFileException e)
        {
            throw new UserInputException(e.Message, e);
        }
    }

    /// <summary>One line: <c>time-entries FILE → batch 7: 120 added, 3 replaced, 0 unchanged, 2 rejected (see FILE.rejects.csv).</c></summary>
    internal static string Describe(string kind, ImportResult r) =>
        $"{kind} {r.Path} → batch {r.BatchId.ToString(CultureInfo.InvariantCulture)}: {r.Imported} added, {r.Updated} replaced, {r.DuplicatesSkipped} unchanged, {r.Rejected} rejected"
        + $" of {r.Read} rows" + (r.RejectsPath is null ? "." : $" (see {r.RejectsPath}).");

    internal static Task<ImportResult> ImportTimeEntries(IServiceProvider sp, string path, IReadOnlyCollection<string> codes, CancellationToken cancellationToken) =>
        sp.GetRequiredService<TimeEntryImporter>().ImportAsync(path, codes, cancellationToken);

    internal static Task<ImportResult> ImportMilestones(IServiceProvider sp, string path, IReadOnlyCollection<string> codes, CancellationToken cancellationToken) =>
        sp.GetRequiredService<MilestoneImporter>().ImportAsync(path, codes, cancellationToken);

    private static string Batches(IReadOnlyList<ImportBatchInfo> batches)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"batch",-6} {"kind",-13} {"imported (UTC)",-17} {"read",6} {"added",6} {"replaced",8} {"unchanged",9} {"rejected",8}  file");
        foreach (var b in batches)
        {
            var state = b.UndoneAt is { } at ? $"  (undone {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)})" : b.Undoable ? "" : "  (cannot be undone: imported before undo was recorded)";
            text.AppendLine(CultureInfo.InvariantCulture, $"{b.Id,-6} {b.Kind,-13} {b.ImportedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),-17} {b.RowsRead,6} {b.Added,6} {b.Replaced,8} {b.Unchanged,9} {b.Rejected,8}  {b.Source}{state}");
        }

        return text.ToString();
    }
}
