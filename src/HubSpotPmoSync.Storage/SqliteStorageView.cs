using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage.WriteBack;

namespace HubSpotPmoSync.Storage;

/// <summary><see cref="IStorageView"/> on a SQLite file: it exists when the file does; the read-only view opens it read-only.</summary>
public sealed class SqliteStorageView(SqliteDatabase database) : IStorageView
{
    public string Description => $"the database '{database.DatabasePath}'";

    public IWriteBackStore ReadOnlyWriteBack { get; } = SqliteWriteBackStore.ReadOnly(database);

    public Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Exists);
    }

    public Task EnsureWritableAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        database.EnsureWritable();
        return Task.CompletedTask;
    }
}
