using System.CommandLine;
using System.Globalization;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>demo</c>: the main job on embedded defaults. Starts the HubSpot emulator in-process on 127.0.0.1 seeded with a
/// demo agency, provisions the schema, syncs, kicks off projects for won deals, imports the demo time entries and
/// milestones, scores, pushes health back, prints the portfolio table and writes the budget report (HTML and CSV).
/// </summary>
internal static class DemoCommand
{
    /// <summary>The demo agency's "today": the day its timesheet export (config/demo) ends.</summary>
    internal static readonly DateTimeOffset DemoToday = new(2026, 11, 20, 17, 0, 0, TimeSpan.Zero);

    public static Command Create(CommandEnvironment env)
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the demo database and reports.", DefaultValueFactory = _ => "data/demo" };
        var command = new Command("demo", "Run the whole job on a built-in HubSpot emulator and SQLite: sync, kickoff, import, score, push, report.") { outDir };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, () => RunAsync(env, Path.GetFullPath(parse.GetValue(outDir)!), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(CommandEnvironment env, string folder, CancellationToken cancellationToken)
    {
        if (File.Exists(folder))
        {
            throw new UserInputException(
                $"demo --out '{folder}' is a file; --out names a folder for the demo's database and reports (created when missing). Choose another path or move the file.");
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"demo --out '{folder}': the folder cannot be created ({e.Message}). Choose a folder this user may write.", e);
        }

        var database = Path.Combine(folder, "demo.db");
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }

        // Every line is wrapped at the terminal's width (the table is laid out to it).
        var width = ConsoleText.WidthFor(env.Output);
        await using var output = ConsoleText.Wrapping(env.Output, width);
        var clock = new AnchoredTimeProvider(DemoToday, TimeProvider.System);
        await using var emulator = await HubSpotEmulator.StartAsync(
            new EmulatorOptions { Seed = "demo", Tier = "unlimited", TimeProvider = clock }, cancellationToken);
        await output.WriteLineAsync($"HubSpot emulator on {emulator.BaseAddress.ToString().TrimEnd('/')} seeded with a demo agency (as of {DemoToday:yyyy-MM-dd}).");

        var overrides = new Dictionary<string, string?>(env.ConfigurationOverrides ?? new Dictionary<string, string?>())
        {
            ["HubSpot:BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot:AccessToken"] = "emulator-token",
            ["HubSpot:Tier"] = "unlimited",
            ["Storage:DatabasePath"] = database,
        };
        var demoEnv = env with { ConfigurationOverrides = overrides, Clock = clock };
        using var host = WorkerHost.CreateBuilder(demoEnv).Build();
        var services = host.Services;
        var mappings = services.GetRequiredService<MappingProvider>().Mappings;
        _ = services.GetRequiredService<HealthRulesProvider>().Rules;
        await host.StartAsync(cancellationToken);

        var schema = await services.GetRequiredService<HubSpotPmoSync.Core.WriteBack.SchemaProvisioner>()
            .ApplyAsync(SchemaCommand.DesiredFor(mappings), dryRun: false, cancellationToken);
        await output.WriteLineAsync($"schema apply: {schema.Applied.Count} changes (properties for health on projects, deals and companies).");

        var cycle = services.GetRequiredService<DeliveryCycle>();
        var kinds = mappings.Objects.Keys.Order().ToList();
        var first = await SyncProgressDisplay.RunAsync(demoEnv, kinds, p => cycle.RunAsync(new CycleRequest(Push: false), p, cancellationToken));
        await output.WriteLineAsync($"sync: {first.Pull.Summary()}");

        var demoData = WorkerHost.ResolvePath("config/demo");
        foreach (var (name, file, import) in new (string, string, Func<IServiceProvider, string, IReadOnlyCollection<string>, CancellationToken, Task<HubSpotPmoSync.Worker.Import.ImportResult>>)[]
        {
            ("time-entries", "time-entries.csv", ImportCommand.ImportTimeEntries),
            ("milestones", "milestones.csv", ImportCommand.ImportMilestones),
        })
        {
            var result = await ImportCommand.RunAsync(services, Path.Combine(demoData, file), import, cancellationToken);
            await output.WriteLineAsync("import " + ImportCommand.Describe(name, result));
        }

        var report = await SyncProgressDisplay.RunAsync(demoEnv, kinds, p => cycle.RunAsync(new CycleRequest(), p, cancellationToken));
        if (report.Kickoff is { } kickoff)
        {
            await output.WriteLineAsync($"kickoff: {kickoff.Created} projects created for won deals without one, {kickoff.Associations.Count} links.");
        }

        await output.WriteLineAsync($"push: {HubSpotPmoSync.Core.WriteBack.WriteBackText.Summary(report.Flush!)}");
        await output.WriteLineAsync();

        var health = await HealthCommand.BuildAsync(services, clock.GetUtcNow(), cancellationToken);
        await output.WriteAsync(HealthTable.Render(health, width));
        await output.WriteLineAsync();

        var html = Path.Combine(folder, "budget-report.html");
        var csv = Path.Combine(folder, "budget-report.csv");
        await BudgetCommand.WriteFileAsync(html, await BudgetCommand.RenderAsync(services, "html", clock.GetUtcNow(), cancellationToken), cancellationToken);
        await BudgetCommand.WriteFileAsync(csv, await BudgetCommand.RenderAsync(services, "csv", clock.GetUtcNow(), cancellationToken), cancellationToken);
        await output.WriteLineAsync($"budget report: {html}");
        await output.WriteLineAsync($"budget report: {csv}");
        await output.WriteLineAsync($"database: {database}");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"HubSpot calls: {services.GetRequiredService<HubSpotPmoSync.Core.Crm.ICrmUsage>().Snapshot().TotalCalls}"));
        await host.StopAsync(CancellationToken.None);
        return ExitCodes.Success;
    }
}
