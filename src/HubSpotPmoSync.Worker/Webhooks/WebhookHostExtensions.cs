using HubSpotPmoSync.Worker.Scheduling;
using HubSpotPmoSync.Worker.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>HubSpot webhooks in <c>run</c>: the options, the metrics and the processor; the inbox comes with the storage provider (the route is <see cref="WebhookEndpoints.MapHubSpotWebhooks"/>).</summary>
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
        services.TryAddSingleton<WebhookSignal>();
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<CycleGate>();
        services.TryAddSingleton<WebhookIngest>();
        services.AddHostedService<WebhookProcessor>();
        return builder;
    }
}
