using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Storage.Postgres.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL provider of every storage port.</summary>
public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDeliveryStore"/> (also <see cref="ICompletenessStore"/>), <see cref="IWebhookInbox"/>, <see cref="IDeliveryDataStore"/>, <see cref="IHealthHistoryStore"/>,
    /// <see cref="IWriteBackStore"/>, <see cref="ICycleLock"/> and <see cref="IStorageView"/> on the PostgreSQL database
    /// <paramref name="connectionString"/> names (singletons over one pooled data source). Nothing connects until a
    /// store is used; the first write creates the tables. The store settles webhook events at the registered
    /// <see cref="TimeProvider"/>'s time (the system clock when none is).
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connectionString);
        services.TryAddSingleton(sp => new PostgresDatabase(connectionString(sp)));
        services.TryAddSingleton(sp => new PostgresDeliveryStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<PostgresDeliveryStore>());
        services.TryAddSingleton<ICompletenessStore>(sp => sp.GetRequiredService<PostgresDeliveryStore>());
        services.TryAddSingleton<IWebhookInbox>(sp => new PostgresWebhookInbox(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton(sp => new PostgresDeliveryDataStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<IDeliveryDataStore>(sp => sp.GetRequiredService<PostgresDeliveryDataStore>());
        services.TryAddSingleton<IHealthHistoryStore>(sp => sp.GetRequiredService<PostgresDeliveryDataStore>());
        services.TryAddSingleton<IWriteBackStore>(sp => new PostgresWriteBackStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<ICycleLock>(sp => new PostgresCycleLock(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<IStorageView>(sp => new PostgresStorageView(sp.GetRequiredService<PostgresDatabase>()));
        return services;
    }
}
