using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
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
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.TryAddSingleton(TimeProvider.System);
        services.AddHubSpotClient(configuration);
        DecorateWriterWithScopeGate(services);
        services.AddConfiguredStorage(configuration);
        services.AddDeliveryDataImport(configuration);

        services.AddOptions<SyncOptions>()
            .Bind(configuration.GetSection(SyncOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>());
        services.TryAddSingleton<MappingProvider>();
        services.AddCompletenessOptions(configuration);
        services.TryAddSingleton(sp => new SyncRunner(
            sp.GetRequiredService<ICrmSource>(),
            sp.GetRequiredService<IDeliveryStore>(),
            sp.GetRequiredService<MappingProvider>().Mappings,
            sp.GetRequiredService<IOptions<SyncOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            CompletenessRegistration.Create(sp, sp.GetRequiredService<IDeliveryStore>(), sp.GetRequiredService<MappingProvider>().Mappings)));

        services.AddOptions<HealthOptions>()
            .Bind(configuration.GetSection(HealthOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.RulesPath), "Health:RulesPath must name a file.")
            .ValidateOnStart();
        services.TryAddSingleton<HealthRulesProvider>();
        services.TryAddSingleton<DeliveryCycle>();

        services.AddOptions<SyncScheduleOptions>()
            .Bind(configuration.GetSection(SyncScheduleOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncScheduleOptions>, SyncScheduleOptionsValidator>());
        return builder;
    }

    /// <summary>
    /// Puts <see cref="WriteScopeGate"/> in front of the adapter's <see cref="ICrmWriter"/>: the first record write of the
    /// process proves the token's write scopes, so a missing one stops the command before anything is written.
    /// </summary>
    private static void DecorateWriterWithScopeGate(IServiceCollection services)
    {
        var adapter = services.LastOrDefault(d => d.ServiceType == typeof(ICrmWriter))
            ?? throw new InvalidOperationException("AddHubSpotClient registered no ICrmWriter.");
        services.Remove(adapter);
        services.TryAddSingleton<WriteScopeGate>();
        services.Add(ServiceDescriptor.Describe(
            typeof(ICrmWriter),
            sp => new ScopeCheckedCrmWriter(Resolve(adapter, sp), sp.GetRequiredService<WriteScopeGate>()),
            adapter.Lifetime));

        static ICrmWriter Resolve(ServiceDescriptor descriptor, IServiceProvider sp) => (ICrmWriter)(
            descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
    }

    /// <summary>Lists every problem of the <c>Sync</c> section, each naming its key.</summary>
    private sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
    {
        public ValidateOptionsResult Validate(string? name, SyncOptions options)
        {
            var problems = options.Validate();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
