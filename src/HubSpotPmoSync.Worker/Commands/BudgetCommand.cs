using System.CommandLine;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>budget report [--format csv|json|html] [--as-of DATE] [--out PATH]</c>: per project the sold amount, budget, AC,
/// EAC, VAC, forecast margin and flags, with totals per currency that add up to the cent. Reads only.
/// </summary>
internal static class BudgetCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var format = new Option<string>("--format") { Description = "csv, json or html.", DefaultValueFactory = _ => "csv" };
        var asOf = AsOfOption.Create();
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var report = new Command("report", "Finance reconciliation: sold amount vs budget vs actual cost, forecast at completion, flags.") { format, asOf, output };
        report.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var fmt = ObjectKindOption.ParseFormat(parse.GetValue(format), "csv", "json", "html");
            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Health).Build();
            var at = AsOfOption.Parse(parse.GetValue(asOf), host.Services.GetRequiredService<TimeProvider>());
            await ExistingDatabase.RequireAsync(host.Services, cancellationToken);
            var text = await RenderAsync(host.Services, fmt, at, cancellationToken);
            if (parse.GetValue(output) is { } path)
            {
                await WriteFileAsync(path, text, cancellationToken);
                await env.Output.WriteLineAsync($"budget report ({fmt}) written to {Path.GetFullPath(path)}");
            }
            else
            {
                await env.Output.WriteAsync(text);
            }

            return ExitCodes.Success;
        }));
        return new Command("budget", "Budget reconciliation for finance.") { report };
    }

    internal static async Task<string> RenderAsync(IServiceProvider services, string format, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var rules = services.GetRequiredService<HealthRulesProvider>().Rules;
        var model = await services.GetRequiredService<IDeliveryStore>().LoadModelAsync(cancellationToken);
        var (health, _) = await DeliveryCycle.ScoreAsync(services.GetRequiredService<IDeliveryDataStore>(), model, rules, asOf, saveSnapshots: false, cancellationToken);
        var report = BudgetReportBuilder.Build(model, health);
        return format switch
        {
            "json" => BudgetReportRenderer.Json(report),
            "html" => BudgetReportRenderer.Html(report),
            _ => BudgetReportRenderer.Csv(report),
        };
    }

    internal static async Task WriteFileAsync(string path, string text, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Written beside and moved into place, so a reader never sees half a report.
        var temp = full + ".tmp";
        await File.WriteAllTextAsync(temp, text, cancellationToken);
        File.Move(temp, full, overwrite: true);
    }
}
