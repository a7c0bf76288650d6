using System.CommandLine;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>import time-entries FILE</c> / <c>import milestones FILE</c>: CSV import; bad rows go with their line and reason
/// to <c>FILE.rejects.csv</c>, the rest is imported; importing the same file again adds nothing.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CommandEnvironment env)
    {
        return new Command("import", "Import delivery data that lives outside HubSpot (CSV).")
        {
            Sub(env, "time-entries", "Import time entries (a timesheet export; columns mapped under Import:TimeEntries).", (sp, path, codes) => sp.GetRequiredService<TimeEntryImporter>().Import(path, codes)),
            Sub(env, "milestones", "Import milestones (project code, name, planned date, actual date, weight, percent complete).", (sp, path, codes) => sp.GetRequiredService<MilestoneImporter>().Import(path, codes)),
        };
    }

    private static Command Sub(CommandEnvironment env, string name, string description, Func<IServiceProvider, string, IReadOnlyCollection<string>, ImportResult> import)
    {
        var file = new Argument<string>("FILE") { Description = "The CSV file." };
        var command = new Command(name, description) { file };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var path = parse.GetValue(file)!;
            using var host = WorkerHost.CreateBuilder(env).Build();
            host.Services.GetRequiredService<SqliteDatabase>().EnsureWritable();
            var result = await RunAsync(host.Services, path, import, cancellationToken);
            await env.Output.WriteLineAsync(Describe(name, result));
            return result.Rejected > 0 ? ExitCodes.BadInput : ExitCodes.Success;
        }));
        return command;
    }

    internal static async Task<ImportResult> RunAsync(
        IServiceProvider services, string path, Func<IServiceProvider, string, IReadOnlyCollection<string>, ImportResult> import, CancellationToken cancellationToken)
    {
        var model = await services.GetRequiredService<IDeliveryStore>().LoadModelAsync(cancellationToken);
        var codes = model.Projects.Where(p => !p.Archived && p.Code.Length > 0).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        try
        {
            return import(services, path, codes);
        }
        catch (ImportFileException e)
        {
            throw new UserInputException(e.Message, e);
        }
    }

    internal static string Describe(string kind, ImportResult r) =>
        $"{kind}: {r.Read} rows read from {r.Path}: {r.Imported} imported, {r.Updated} updated, {r.DuplicatesSkipped} already there, {r.Rejected} rejected"
        + (r.RejectsPath is null ? "." : $" (see {r.RejectsPath}).");

    internal static ImportResult ImportTimeEntries(IServiceProvider sp, string path, IReadOnlyCollection<string> codes) =>
        sp.GetRequiredService<TimeEntryImporter>().Import(path, codes);

    internal static ImportResult ImportMilestones(IServiceProvider sp, string path, IReadOnlyCollection<string> codes) =>
        sp.GetRequiredService<MilestoneImporter>().Import(path, codes);
}
