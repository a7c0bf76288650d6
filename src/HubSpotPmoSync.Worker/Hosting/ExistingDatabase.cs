using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// The database a read command reads. Only a cycle (<c>sync</c>, <c>run</c>, <c>demo</c>) or an import creates one; a
/// read command pointed at a path with no database (a mistyped <c>Storage:DatabasePath</c>, or no sync yet) stops
/// with exit 2 before anything is opened, so it leaves nothing behind: no file, no folder, no -wal/-shm, no lock file.
/// </summary>
internal static class ExistingDatabase
{
    /// <exception cref="UserInputException">There is no database at <c>Storage:DatabasePath</c> (or no product tables in the PostgreSQL database).</exception>
    public static async Task<IStorageView> RequireAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<IStorageView>();
        if (!await storage.ExistsAsync(cancellationToken))
        {
            throw new UserInputException(storage is SqliteStorageView
                ? $"no database at {services.GetRequiredService<SqliteDatabase>().DatabasePath} — run `sync` first, or check Storage:DatabasePath"
                : $"no HubSpotPmoSync tables in {storage.Description} — run `sync` first, or check Storage:ConnectionString");
        }

        return storage;
    }
}
