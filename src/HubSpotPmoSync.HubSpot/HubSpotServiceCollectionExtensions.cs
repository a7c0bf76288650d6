using System.Net;
using System.Net.Http.Headers;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot;
using HubSpotPmoSync.HubSpot.Api;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.HubSpot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HubSpot adapter.</summary>
public static class HubSpotServiceCollectionExtensions
{
    /// <summary>The named HttpClient every Refit interface of the client sends through (resilience, buffering, auth).</summary>
    internal const string ClientName = "HubSpot";

    /// <summary>The named HttpClient of the diagnostics: auth only, no retries, a short timeout.</summary>
    internal const string DiagnosticsClientName = "HubSpot.Diagnostics";

    /// <summary>
    /// Registers the HubSpot client as <see cref="ICrmSource"/> and <see cref="ICrmWriter"/>, its call counter as
    /// <see cref="ICrmUsage"/>, when HubSpot last answered as <see cref="ICrmReachability"/> (its instruments record on
    /// the worker's meter), the checks of <c>doctor</c> as <see cref="IHubSpotDiagnostics"/>, and
    /// <see cref="HubSpotOptions"/> bound to the <c>HubSpot</c> section and validated at start (every failure listed, each
    /// naming its key). Uses the registered <see cref="TimeProvider"/> (<see cref="TimeProvider.System"/> when none is).
    /// </summary>
    public static IServiceCollection AddHubSpotClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptionsWithValidateOnStart<HubSpotOptions, HubSpotOptionsValidator>()
            .Bind(configuration.GetSection(HubSpotOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubSpotOptions>, HubSpotOptionsCrossValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HubSpotUsage>();
        services.TryAddSingleton<ICrmUsage>(sp => sp.GetRequiredService<HubSpotUsage>());
        services.TryAddSingleton<HubSpotRateLimiter>();

        // The client's instruments on the worker's meter (IMeterFactory: the host's, or one of its own outside a host).
        services.AddMetrics();
        services.TryAddSingleton<HubSpotMetrics>();
        services.TryAddSingleton<ICrmReachability>(sp => sp.GetRequiredService<HubSpotMetrics>());
        services.TryAddSingleton<HubSpotPipeline>();
        services.TryAddSingleton(sp => HubSpotApiFamily.Of(sp.GetRequiredService<IOptions<HubSpotOptions>>().Value));
        services.TryAddTransient<LegacyPathHandler>();
        services.TryAddTransient<ResilienceHandler>();
        services.TryAddTransient<ResponseBufferingHandler>();
        services.TryAddTransient<HubSpotAuthHandler>();

        // One named client carries every interface: one handler chain, one primary handler (tests replace it by name).
        services.AddHttpClient(ClientName, Configure)
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            // The factory's own per-request log lines are replaced by the client's: usage counters by route and outcome,
            // and [LoggerMessage] lines for retries, failures and the circuit (none of which can carry the token).
            .RemoveAllLoggers()
            .AddHttpMessageHandler<LegacyPathHandler>()
            .AddHttpMessageHandler<ResilienceHandler>()
            .AddHttpMessageHandler<ResponseBufferingHandler>()
            .AddHttpMessageHandler<HubSpotAuthHandler>();

        // Refit's source-generated implementations, reading and writing JSON with HubSpotJsonContext only (no reflection).
        services.AddRefitGeneratedClient<IHubSpotObjectsApi>(CreateRefitSettings, ClientName);
        services.AddRefitGeneratedClient<IHubSpotSearchApi>(CreateRefitSettings, ClientName);
        services.AddRefitGeneratedClient<IHubSpotAssociationsApi>(CreateRefitSettings, ClientName);
        services.AddRefitGeneratedClient<IHubSpotPropertiesApi>(CreateRefitSettings, ClientName);
        services.AddRefitGeneratedClient<IHubSpotSchemasApi>(CreateRefitSettings, ClientName);
        services.AddRefitGeneratedClient<IHubSpotPipelinesApi>(CreateRefitSettings, ClientName);
        services.AddRefitGeneratedClient<IHubSpotAccountApi>(CreateRefitSettings, ClientName);
        services.TryAddTransient<HubSpotApi>();
        services.TryAddTransient<HubSpotClient>();

        // Diagnostics answer fast: no resilience pipeline (no retries, no rate-limit waits), a short timeout per call.
        // (HubSpotDiagnostics builds its HttpClient on this name's handlers, with the base address and that timeout.)
        services.AddHttpClient(DiagnosticsClientName)
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            .RemoveAllLoggers()
            .AddHttpMessageHandler<LegacyPathHandler>()
            .AddHttpMessageHandler<HubSpotAuthHandler>();
        services.TryAddTransient<IHubSpotDiagnostics, HubSpotDiagnostics>();

        services.TryAddTransient<ICrmSource>(sp => sp.GetRequiredService<HubSpotClient>());
        services.TryAddTransient<ICrmWriter>(sp => sp.GetRequiredService<HubSpotClient>());
        return services;
    }

    /// <summary>
    /// Refit's settings: bodies serialized by <see cref="HubSpotJsonContext"/> and buffered (the pipeline may send a request
    /// again); transport exceptions passed through unchanged, so the client maps timeouts, an open circuit and network
    /// errors itself (Refit would wrap them in an <c>ApiRequestException</c> carrying the request and its headers).
    /// </summary>
    internal static RefitSettings CreateRefitSettings(IServiceProvider services) => CreateRefitSettings();

    /// <inheritdoc cref="CreateRefitSettings(IServiceProvider)"/>
    internal static RefitSettings CreateRefitSettings()
    {
        var settings = RefitSettings.ForJsonContext(HubSpotJsonContext.Default);
        settings.Buffered = true;
        settings.TransportExceptionFactory = (_, exception, _) => exception;
        return settings;
    }

    private static void Configure(IServiceProvider services, HttpClient client)
    {
        var options = services.GetRequiredService<IOptions<HubSpotOptions>>().Value;
        client.BaseAddress = WithTrailingSlash(options.BaseAddress);

        // Polly owns every timeout (total and per attempt); HttpClient's own would cut across retries.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("HubSpotPmoSync", "1.0"));
    }

    private static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    private static Uri WithTrailingSlash(Uri baseAddress) =>
        baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
}
