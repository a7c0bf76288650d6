using System.CommandLine;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Progress;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary><c>sync [--full] [--dry-run] [--object T] [--no-push]</c>: one cycle with a progress display and a summary.</summary>
internal static class SyncCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var full = new Option<bool>("--full") { Description = "Full reconcile: list every record again and sweep archived records." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (creates, updates per field old -> new, associations, totals) and write nothing anywhere." };
        var obj = ObjectKindOption.Create("Pull only this object type (scoring and push still cover the portfolio).");
        var noPush = new Option<bool>("--no-push") { Description = "Pull only: no kickoff, scoring or write-back." };
        var skipPortalCheck = new Option<bool>("--skip-portal-check")
        {
            Description = "Do not check the mappings against the portal's live properties at start (the file and the local model are still checked); a value HubSpot then rejects goes to dead letters with HubSpot's reason.",
        };
        var command = new Command("sync", "Run one sync cycle: pull, kick off projects, score, roll up and push.") { full, dryRun, obj, noPush, skipPortalCheck };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var kind = ObjectKindOption.Parse(parse.GetValue(obj));
            var request = new CycleRequest(parse.GetValue(full), kind is { } k ? [k] : null, parse.GetValue(dryRun), !parse.GetValue(noPush));
            using var host = WorkerHost.CreateBuilder(env).Build();
            var cycle = host.Services.GetRequiredService<DeliveryCycle>();
            var mappings = host.Services.GetRequiredService<MappingProvider>().Mappings;
            await host.StartAsync(cancellationToken);

            // "Validated at start": a mapping that does not fit the portal stops here, before the store is opened.
            // A sync that pushes needs the outbound properties: without them (no `schema apply` yet) it stops before any write.
            // (A token that may not write what the cycle writes stops it before its first write: WriteScopeGate.)
            if (!parse.GetValue(skipPortalCheck))
            {
                var writes = request.Push && !request.DryRun;
                foreach (var warning in await PortalMappingCheck.EnsureFitsAsync(mappings, host.Services.GetRequiredService<ICrmSource>(), cancellationToken, writes))
                {
                    await env.Error.WriteLineAsync($"warning: {warning}");
                }
            }

            var kinds = request.Objects ?? mappings.Objects.Keys.Order().ToList();
            var report = await SyncProgressDisplay.RunAsync(env, kinds, progress => cycle.RunAsync(request, progress, cancellationToken));
            await env.Output.WriteAsync(CycleText.Render(report, ConsoleText.WidthFor(env.Output)));
            await host.StopAsync(CancellationToken.None);

            // Writes HubSpot rejected above Sync:MaxRejectedShare fail the cycle (exit 1), with the reasons counted.
            if (report.Rejections is { Exceeded: true } rejections)
            {
                await env.Error.WriteAsync(rejections.Render());
                return ExitCodes.RuntimeFailure;
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
