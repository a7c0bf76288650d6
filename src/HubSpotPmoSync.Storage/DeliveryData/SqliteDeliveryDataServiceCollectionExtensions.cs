using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite store of imported delivery data and health history.</summary>
public static class SqliteDeliveryDataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDeliveryDataStore"/> and <see cref="IHealthHistoryStore"/> as <see cref="SqliteDeliveryDataStore"/>. Needs the
    /// <c>SqliteDatabase</c> registered by <c>AddSqliteStorage</c>.
    /// </summary>
    public static IServiceCollection AddSqliteDeliveryData(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IDeliveryDataStore, SqliteDeliveryDataStore>();
        services.TryAddSingleton<IHealthHistoryStore>(sp => new SqliteDeliveryDataStore(sp.GetRequiredService<SqliteDatabase>()));
        return services;
    }
}
