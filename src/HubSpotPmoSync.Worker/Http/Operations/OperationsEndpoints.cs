using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Telemetry;
using HubSpotPmoSync.Worker.Http.Operations;
using HubSpotPmoSync.Worker.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The operations endpoints of <c>run</c>'s HTTP host: <c>GET /healthz</c> (the process answers), <c>GET /readyz</c>
/// (database, last cycle, HubSpot; 503 naming what fails) and <c>GET /metrics</c> (the worker's meter,
/// <see cref="PmoSyncMeter.Name"/>, in Prometheus text through OpenTelemetry). Behind the same
/// <c>RemoteAccessGuard</c> as every page: from another machine they need <c>Http:Password</c> (docs/operations.md).
/// </summary>
internal static class OperationsEndpoints
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";

    /// <summary>The health checks, the worker's instruments and the OpenTelemetry meter provider with its Prometheus exporter.</summary>
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<ProcessStart>();

        // The database and cycle checks read the store Storage:Provider names.
        services.TryAddSingleton<IReadinessProbe>(sp => sp.GetService<HubSpotPmoSync.Storage.Postgres.PostgresDatabase>() is { } postgres
            ? new PostgresReadinessProbe(postgres)
            : new SqliteReadinessProbe(sp.GetRequiredService<HubSpotPmoSync.Storage.SqliteDatabase>()));
        services.TryAddSingleton<CycleMetrics>();
        services.TryAddSingleton<OutboxGauges>();
        services.AddHostedService<InstrumentsAtStart>();

        services.AddHealthChecks()
            .AddCheck<DatabaseReadinessCheck>("database", HealthStatus.Unhealthy, [Readiness.Tag], TimeSpan.FromSeconds(10))
            .AddCheck<CycleReadinessCheck>("cycle", HealthStatus.Unhealthy, [Readiness.Tag], TimeSpan.FromSeconds(10))
            .AddCheck<HubSpotReadinessCheck>("hubspot", HealthStatus.Unhealthy, [Readiness.Tag]);

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(PmoSyncMeter.Name)
            .AddPrometheusExporter(o =>
            {
                // Every scrape reads the instruments afresh (the exporter's default keeps an answer for 300 ms).
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return builder;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            // Alive is answering: no check runs, so a slow database or HubSpot never makes the process look dead.
            Predicate = _ => false,
            ResponseWriter = (context, _) => WriteAsync(context, "alive\n"),
        });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Readiness.Tag),
            ResponseWriter = WriteReadinessAsync,
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    /// <summary><c>ready</c>, or <c>unready</c> then one line per failing check: <c>NAME: why</c>.</summary>
    internal static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Healthy)
        {
            return WriteAsync(context, "ready\n");
        }

        var failing = report.Entries
            .Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}");
        return WriteAsync(context, "unready\n" + string.Join('\n', failing) + "\n");
    }

    private static Task WriteAsync(HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }

    /// <summary>
    /// Creates the instruments when the host starts (after the options are validated), so that the gauges answer the
    /// first scrape, and notes the start for the HubSpot check's grace.
    /// </summary>
    private sealed class InstrumentsAtStart(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<ProcessStart>();
            _ = services.GetRequiredService<CycleMetrics>();
            _ = services.GetRequiredService<OutboxGauges>();
            _ = services.GetRequiredService<ICrmReachability>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
