using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary><see cref="IStorageView"/> on PostgreSQL: it exists when the schema has the product's tables.</summary>
internal sealed class PostgresStorageView(PostgresDatabase database) : IStorageView
{
    public string Description => $"the PostgreSQL database {database.Description}";

    public IWriteBackStore ReadOnlyWriteBack { get; } = PostgresWriteBackStore.ReadOnly(database);

    public Task<bool> ExistsAsync(CancellationToken cancellationToken) => database.ExistsAsync(cancellationToken);

    public async Task EnsureWritableAsync(CancellationToken cancellationToken)
    {
        // Migrates a new schema; then a write transaction that changes nothing proves the login may write.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await PostgresDatabase.Execute(connection, tx, "LOCK TABLE sync_runs IN ROW EXCLUSIVE MODE;", cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42501")
        {
            throw new StorageConfigurationException(
                $"the PostgreSQL database {database.Description} (Storage:ConnectionString) is read-only for this login: {e.MessageText}; nothing was written.", e);
        }

        await tx.RollbackAsync(cancellationToken);
    }
}
