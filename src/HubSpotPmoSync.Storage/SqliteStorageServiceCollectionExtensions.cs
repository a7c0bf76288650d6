using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;
using HubSpotPmoSync.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite store of the delivery model.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> (section <c>Storage</c>, validated on start) and registers the
    /// <see cref="SqliteDatabase"/> and the <see cref="SqliteDeliveryStore"/> as <see cref="IDeliveryStore"/> and <see cref="ICompletenessStore"/> (singletons).
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Storage:DatabasePath must name a file.")
            .Validate(o => o.BusyTimeout > TimeSpan.Zero, "Storage:BusyTimeout must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton(sp => new SqliteDeliveryStore(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<SqliteDeliveryStore>());
        services.TryAddSingleton<ICompletenessStore>(sp => sp.GetRequiredService<SqliteDeliveryStore>());
        return services;
    }
}
