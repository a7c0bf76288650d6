using System.Globalization;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage;

/// <summary>What the readiness check read from the database file.</summary>
/// <param name="Exists">Whether the file exists (the first cycle creates it).</param>
/// <param name="LastSucceededRun">When the newest sync run that succeeded finished (any process's); null when none has.</param>
public sealed record SqliteProbeResult(bool Exists, DateTimeOffset? LastSucceededRun);

/// <summary>
/// The readiness check's look at the database: opens the file anew (unpooled, read-only: a pooled connection
/// opened before the file became unreadable would still read it) and reads when a sync run last succeeded.
/// </summary>
public static class SqliteProbe
{
    /// <summary>Opens and reads the database; creates and changes nothing.</summary>
    /// <exception cref="SqliteException">The file cannot be opened or read (permissions, corruption, not a database).</exception>
    public static SqliteProbeResult Read(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!database.Exists)
        {
            return new SqliteProbeResult(false, null);
        }

        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = database.DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString();
        using var connection = new SqliteConnection(cs);
        connection.Open();
        using var cmd = connection.CreateCommand();

        // A database without the run log yet (being created right now) reads as "no run"; anything else must read.
        cmd.CommandText = """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_runs')
                   THEN 1 ELSE 0 END;
            """;
        if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return new SqliteProbeResult(true, null);
        }

        cmd.CommandText = "SELECT MAX(finished_at) FROM sync_runs WHERE outcome = 'succeeded';";
        return cmd.ExecuteScalar() is string finished
            ? new SqliteProbeResult(true, SqliteDeliveryStore.Instant(finished))
            : new SqliteProbeResult(true, null);
    }
}
