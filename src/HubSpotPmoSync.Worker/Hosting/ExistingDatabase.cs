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
    /// <exception cref="UserInputException">There is no database file at <c>Storage:DatabasePath</c>.</exception>
    public static SqliteDatabase Require(IServiceProvider services)
    {
        var database = services.GetRequiredService<SqliteDatabase>();
        if (!database.Exists)
        {
            throw new UserInputException($"no database at {database.DatabasePath} — run `sync` first, or check Storage:DatabasePath");
        }

        return database;
    }
}
