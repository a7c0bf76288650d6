using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite store of the delivery model.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> (section <c>Storage</c>, validated on start) and registers the
    /// <see cref="SqliteDatabase"/>, the <see cref="SqliteDeliveryStore"/> as <see cref="IDeliveryStore"/> and
    /// <see cref="ICompletenessStore"/>, the <see cref="SqliteWebhookInbox"/> as <see cref="IWebhookInbox"/>, the <see cref="SqliteCycleLock"/> as <see cref="ICycleLock"/> and the
    /// <see cref="SqliteStorageView"/> as <see cref="IStorageView"/> (singletons).
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        AddStorageOptions(services, configuration);
        services.TryAddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton(sp => new SqliteDeliveryStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<SqliteDeliveryStore>());
        services.TryAddSingleton<ICompletenessStore>(sp => sp.GetRequiredService<SqliteDeliveryStore>());
        services.TryAddSingleton<IWebhookInbox>(sp => new SqliteWebhookInbox(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<ICycleLock>(sp => new SqliteCycleLock(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IStorageView>(sp => new SqliteStorageView(sp.GetRequiredService<SqliteDatabase>()));
        return services;
    }

    /// <summary>Binds <see cref="StorageOptions"/> (section <c>Storage</c>) with every problem listed at start, whichever provider it names.</summary>
    public static OptionsBuilder<StorageOptions> AddStorageOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        return services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
    }

    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            var problems = options.Validate();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
