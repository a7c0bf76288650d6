using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the storage ports of the provider <c>Storage:Provider</c> names.</summary>
internal static class StorageProviderServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> (every problem listed at start, the connection string's own syntax included,
    /// its password never shown) and registers every storage port on SQLite (<c>sqlite</c>, the default) or PostgreSQL
    /// (<c>postgres</c>), then the write-back and import services over them.
    /// </summary>
    public static IServiceCollection AddConfiguredStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(options);
        services.AddStorageOptions(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, ConnectionStringValidator>());
        if (options.IsPostgres)
        {
            services.AddPostgresStorage(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString!);
            services.AddWriteBackServices();
        }
        else
        {
            services.AddSqliteStorage(configuration);
            services.AddSqliteWriteBack();
            services.AddSqliteDeliveryData();
        }

        return services;
    }

    /// <summary>The connection string's own problem (which part does not parse), named with its password masked.</summary>
    private sealed class ConnectionStringValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            options.IsPostgres && !string.IsNullOrWhiteSpace(options.ConnectionString) && PostgresConnectionString.Problem(options.ConnectionString) is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
    }
}
