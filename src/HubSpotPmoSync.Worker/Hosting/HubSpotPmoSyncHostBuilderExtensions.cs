using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>The composition root: every adapter's own registration, plus the worker's services.</summary>
internal static class HubSpotPmoSyncHostBuilderExtensions
{
    public static IHostApplicationBuilder AddHubSpotPmoSync(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSqliteStorage(builder.Configuration);

        builder.Services.AddOptions<SyncScheduleOptions>()
            .Bind(builder.Configuration.GetSection(SyncScheduleOptions.SectionName))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncScheduleOptions>, SyncScheduleOptionsValidator>());
        return builder;
    }
}
