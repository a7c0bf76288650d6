using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.WriteBack;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the write-back machinery over the SQLite store.</summary>
public static class SqliteWriteBackServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWriteBackStore"/> (the SQLite store; needs the <see cref="SqliteDatabase"/> that
    /// <c>AddSqliteStorage</c> registers), <see cref="TimeProvider.System"/> unless one is registered, and the write-back
    /// services <see cref="OutboxFlusher"/>, <see cref="KickoffService"/> and <see cref="SchemaProvisioner"/> (they
    /// need the CRM ports <c>ICrmSource</c> and <c>ICrmWriter</c>).
    /// </summary>
    public static IServiceCollection AddSqliteWriteBack(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new SqliteWriteBackStore(sp.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IWriteBackStore>(sp => sp.GetRequiredService<SqliteWriteBackStore>());
        return services.AddWriteBackServices();
    }

    /// <summary>
    /// Registers <see cref="TimeProvider.System"/> unless one is registered, and the write-back services
    /// <see cref="OutboxFlusher"/>, <see cref="KickoffService"/> and <see cref="SchemaProvisioner"/> over whichever
    /// <see cref="IWriteBackStore"/> a storage provider registered.
    /// </summary>
    public static IServiceCollection AddWriteBackServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new OutboxFlushOptions());
        services.TryAddTransient<OutboxFlusher>();
        services.TryAddTransient<KickoffService>();
        services.TryAddTransient<SchemaProvisioner>();
        return services;
    }
}
