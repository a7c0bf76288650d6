using System.Globalization;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage;

/// <summary>What the readiness check read from the database file.</summary>
/// <param name="Exists">Whether the file exists (the first cycle creates it).</param>
/// <param name="LastSucceededRun">When the newest sync run that succeeded finished (any process's); null when none has.</param>
public sealed record SqliteProbeResult(bool Exists, DateTimeOffset? LastSucceededRun);

/// <summary>
/// The readiness check's look at the database: opens the file itself and reads its header, then asks SQLite when a
/// sync run last succeeded. The file is opened by the probe because SQLite would not notice a file made unreadable:
/// pooled connections keep theirs open, and SQLite hands a new connection a descriptor it kept for the same file.
/// </summary>
public static class SqliteProbe
{
    private static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    /// <summary>Opens and reads the database; creates and changes nothing.</summary>
    /// <exception cref="UnauthorizedAccessException">This user may not read the file.</exception>
    /// <exception cref="IOException">The file cannot be read, or is not a SQLite database.</exception>
    /// <exception cref="SqliteException">SQLite cannot read it (corruption, a lock held past the timeout).</exception>
    public static SqliteProbeResult Read(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!database.Exists)
        {
            return new SqliteProbeResult(false, null);
        }

        Span<byte> header = stackalloc byte[Header.Length];
        using (var file = new FileStream(database.DatabasePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                // Created a moment ago, before SQLite wrote its first page.
                return new SqliteProbeResult(true, null);
            }

            if (read < header.Length || !header.SequenceEqual(Header))
            {
                throw new IOException("it is not a SQLite database");
            }
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
