using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CSV importers of delivery data and their validated options.</summary>
public static class ImportServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Import</c>, <c>Import:TimeEntries</c> and <c>Import:Milestones</c> (validated at start) and registers
    /// <see cref="TimeEntryImporter"/> and <see cref="MilestoneImporter"/>. Needs an <c>IDeliveryDataStore</c>
    /// (<c>AddSqliteDeliveryData</c>) and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddDeliveryDataImport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.SectionName)).ValidateOnStart();
        services.AddOptions<TimeEntryImportOptions>().Bind(configuration.GetSection(TimeEntryImportOptions.SectionName)).ValidateOnStart();
        services.AddOptions<MilestoneImportOptions>().Bind(configuration.GetSection(MilestoneImportOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImportOptions>, ImportOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TimeEntryImportOptions>, ImportOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MilestoneImportOptions>, ImportOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<TimeEntryImporter>();
        services.TryAddTransient<MilestoneImporter>();
        return services;
    }
}
