using System.CommandLine;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>run</c>: the long-running worker. Quartz runs an incremental cycle every <c>Schedule:IncrementalEvery</c> and a
/// full reconcile on <c>Schedule:ReconcileCron</c>, never two cycles at once. Bad mappings, health rules or options
/// stop it at start with exit 2, before the scheduler starts; a failing cycle is logged and the next fire retries.
/// Ctrl+C or SIGTERM lets the cycle in flight stop after its current page, then exits 0.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var command = new Command("run", "Run the worker: incremental sync cycles on a schedule and a nightly full reconcile, until Ctrl+C or SIGTERM.");
        command.SetAction((_, cancellationToken) => CommandLine.Guard(env, () => RunAsync(env, cancellationToken)));
        return command;
    }

    /// <summary>
    /// The worker's host (tests build it too): the composition root, the Quartz schedule, and the HTTP host on
    /// <c>Http:Urls</c> with its endpoint groups (the portfolio page; /healthz, /readyz and /metrics; the HubSpot webhooks
    /// and their inbox processor).
    /// </summary>
    internal static IHost BuildHost(CommandEnvironment env)
    {
        var builder = WorkerHost.CreateWebBuilder(env).AddHttpHost().AddOperations().AddHubSpotWebhooks();
        var app = builder.Build();
        app.UseHttpHost();
        app.MapPortfolioPage();
        app.MapOperations();
        app.MapHubSpotWebhooks();
        return app;
    }

    private static async Task<int> RunAsync(CommandEnvironment env, CancellationToken cancellationToken)
    {
        using var host = BuildHost(env);
        var services = host.Services;

        // Bad input stops the worker before anything is scheduled: the mappings and health rules are loaded here
        // (UserInputException → exit 2 naming the spot), the options when the host starts (every failure listed).
        _ = services.GetRequiredService<MappingProvider>().Mappings;
        _ = services.GetRequiredService<HealthRulesProvider>().Rules;

        // Every option validated (all failures listed, exit 2), then a token that may not write what the cycles write stops
        // the worker (exit 2 naming the scope) — both before the host starts, so no cycle runs and no port is bound first.
        services.GetService<IStartupValidator>()?.Validate();
        await services.GetRequiredService<WriteScopeGate>().EnsureAsync(cancellationToken);

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Kestrel binds last, and Quartz starts its jobs only once the host has started: no cycle has run.
            throw new UserInputException($"Http:Urls: {e.Message.TrimEnd('.')} (another program listens there): choose another port.");
        }

        var schedule = services.GetRequiredService<IOptions<SyncScheduleOptions>>().Value;
        Log.Scheduled(services.GetRequiredService<ILoggerFactory>().CreateLogger("HubSpotPmoSync.Worker.Run"), schedule.IncrementalEvery, schedule.ReconcileCron);

        // Until Ctrl+C / SIGTERM (the console lifetime) or the command's own cancellation stops the application;
        // then the host stops, and the Quartz hosted service waits for the cycle in flight.
        await host.WaitForShutdownAsync(cancellationToken);

        return ExitCodes.Success;
    }
}
