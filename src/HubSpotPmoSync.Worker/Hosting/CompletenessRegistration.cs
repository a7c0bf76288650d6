using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>The incremental period of the schedule of <c>run</c>; registered only by <c>run</c>'s schedule.</summary>
internal sealed record CompletenessSchedule(TimeSpan Period);

/// <summary>The completeness check's options (section <c>Sync</c>) and the check the sync runner is given.</summary>
internal static class CompletenessRegistration
{
    /// <summary>Binds <see cref="CompletenessOptions"/> from the <c>Sync</c> section, validated on start.</summary>
    public static IServiceCollection AddCompletenessOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CompletenessOptions>()
            .Bind(configuration.GetSection(SyncOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CompletenessOptions>, Validator>());
        services.TryAddSingleton(sp => new CompletenessMetrics(sp.GetRequiredService<IMeterFactory>()));
        return services;
    }

    /// <summary>
    /// The check for the sync runner: null when the store keeps no completeness positions. Under <c>run</c> it sizes its
    /// slices from <c>Schedule:IncrementalEvery</c>; a one-shot <c>sync</c> from the time since the last check.
    /// </summary>
    public static CompletenessCheck? Create(IServiceProvider sp, IDeliveryStore store, Core.Mapping.MappingSet mappings) =>
        sp.GetService<ICompletenessStore>() is { } positions
            ? new CompletenessCheck(
                sp.GetRequiredService<ICrmSource>(),
                store,
                positions,
                mappings,
                sp.GetRequiredService<IOptions<CompletenessOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IMeterFactory>() is null ? null : sp.GetRequiredService<CompletenessMetrics>(),
                sp.GetService<CompletenessSchedule>()?.Period)
            : null;

    /// <summary>Lists every problem of the completeness settings, each naming its key.</summary>
    private sealed class Validator : IValidateOptions<CompletenessOptions>
    {
        public ValidateOptionsResult Validate(string? name, CompletenessOptions options)
        {
            var problems = options.Validate();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
