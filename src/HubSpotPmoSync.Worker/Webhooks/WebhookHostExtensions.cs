using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Webhooks;
using HubSpotPmoSync.Worker.Scheduling;
using HubSpotPmoSync.Worker.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>HubSpot webhooks in <c>run</c>: the options, the inbox, the metrics and the processor (the route is <see cref="WebhookEndpoints.MapHubSpotWebhooks"/>).</summary>
internal static class WebhookHostExtensions
{
    /// <summary>Binds and validates <c>Webhooks</c> at start and adds the inbox processor as a hosted service.</summary>
    public static WebApplicationBuilder AddHubSpotWebhooks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(WebhookOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton<IWebhookInbox>(sp => new SqliteWebhookInbox(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<WebhookSignal>();
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<CycleGate>();
        services.TryAddSingleton<WebhookIngest>();
        services.AddHostedService<WebhookProcessor>();
        return builder;
    }
}
