using System.Net;
using System.Net.Http.Headers;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HubSpot adapter.</summary>
public static class HubSpotServiceCollectionExtensions
{
    /// <summary>
    /// Registers the HubSpot client as <see cref="ICrmSource"/> and <see cref="ICrmWriter"/>, its call counter as
    /// <see cref="ICrmUsage"/>, and <see cref="HubSpotOptions"/> bound to the <c>HubSpot</c> section and validated
    /// at start (every failure listed, each naming its key). Uses the registered <see cref="TimeProvider"/>
    /// (<see cref="TimeProvider.System"/> when none is).
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
        services.TryAddSingleton<HubSpotPipeline>();
        services.TryAddTransient<ResilienceHandler>();
        services.TryAddTransient<ResponseBufferingHandler>();
        services.TryAddTransient<HubSpotAuthHandler>();

        services.AddHttpClient<HubSpotClient>((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<HubSpotOptions>>().Value;
                client.BaseAddress = WithTrailingSlash(options.BaseAddress);

                // Polly owns every timeout (total and per attempt); HttpClient's own would cut across retries.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("HubSpotPmoSync", "1.0"));
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The factory's own per-request log lines are replaced by the client's: usage counters by route and outcome,
            // and [LoggerMessage] lines for retries, failures and the circuit (none of which can carry the token).
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ResilienceHandler>()
            .AddHttpMessageHandler<ResponseBufferingHandler>()
            .AddHttpMessageHandler<HubSpotAuthHandler>();

        services.TryAddTransient<ICrmSource>(sp => sp.GetRequiredService<HubSpotClient>());
        services.TryAddTransient<ICrmWriter>(sp => sp.GetRequiredService<HubSpotClient>());
        return services;
    }

    private static Uri WithTrailingSlash(Uri baseAddress) =>
        baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
}
