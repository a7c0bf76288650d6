using System.CommandLine;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary><c>health [--format table|json|csv] [--as-of DATE]</c>: portfolio health from the local model. Reads only.</summary>
internal static class HealthCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var format = new Option<string>("--format") { Description = "table, json or csv.", DefaultValueFactory = _ => "table" };
        var asOf = AsOfOption.Create();
        var command = new Command("health", "Show the health of every project: RAG, score, top reason, CPI, SPI, EAC against budget, trend.") { format, asOf };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var fmt = ObjectKindOption.ParseFormat(parse.GetValue(format), "table", "json", "csv");
            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Health).Build();
            var at = AsOfOption.Parse(parse.GetValue(asOf), host.Services.GetRequiredService<TimeProvider>());
            await ExistingDatabase.RequireAsync(host.Services, cancellationToken);
            var report = await BuildAsync(host.Services, at, cancellationToken);
            await env.Output.WriteAsync(fmt switch
            {
                "json" => HealthReportRenderer.Json(report),
                "csv" => HealthReportRenderer.Csv(report),
                _ => HealthTable.Render(report, ConsoleText.WidthFor(env.Output)),
            });
            return ExitCodes.Success;
        }));
        return command;
    }

    internal static async Task<HealthReport> BuildAsync(IServiceProvider services, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var rules = services.GetRequiredService<HealthRulesProvider>().Rules;
        var model = await services.GetRequiredService<IDeliveryStore>().LoadModelAsync(cancellationToken);
        var (health, rollup) = await DeliveryCycle.ScoreAsync(services.GetRequiredService<IDeliveryDataStore>(), model, rules, asOf, saveSnapshots: false, cancellationToken);
        return HealthReport.Build(model, health, rollup);
    }
}
