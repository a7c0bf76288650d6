using System.Globalization;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_NewDatabase_CreatesTheFileOwnerReadWriteOnly()
    {
        using (_temp.Database.Open())
        {
        }

        Assert.True(File.Exists(_temp.Path_));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Path_));
        }
    }

    [Fact]
    public void Open_NewDatabase_RecordsEveryMigrationOnceInOrder()
    {
        using (_temp.Database.Open())
        {
        }

        var second = new SqliteDatabase(new StorageOptions { DatabasePath = _temp.Path_ });
        using var connection = second.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version, name FROM schema_version ORDER BY version;";
        using var reader = cmd.ExecuteReader();
        var applied = new List<string>();
        while (reader.Read())
        {
            applied.Add(reader.GetInt32(0).ToString(CultureInfo.InvariantCulture) + " " + reader.GetString(1));
        }

        Assert.Equal(["1 0001_initial", "2 0002_delivery_model"], applied.Take(2));
        Assert.Equal(applied.Count, applied.Distinct().Count());
        Assert.True(second.SchemaVersion() >= 2);
    }

    [Fact]
    public void Open_DatabaseAtVersion5_Migration6KeepsTheRowsAndStillChecksTheValues()
    {
        CreateDatabaseAt(5, """
            INSERT INTO crm_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at)
            VALUES ('deals', '7', 1, '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '{"dealname":"Seven"}', '{"name":"Seven"}', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z');
            INSERT INTO sync_ledger VALUES ('deals', '7', '2026-01-02T00:00:00Z', 'h7', 'failing', 'amount: not a number', '2026-01-04T00:00:00Z');
            """);

        using var connection = _temp.Database.Open();

        Assert.Equal(
            "deals|7|1|2026-02-01T00:00:00Z|2026-01-01T00:00:00Z|2026-01-02T00:00:00Z|{\"dealname\":\"Seven\"}|{\"name\":\"Seven\"}|2026-01-03T00:00:00Z|2026-01-04T00:00:00Z",
            Scalar(connection, "SELECT concat_ws('|', object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at) FROM crm_records;"));
        Assert.Equal("deals|7|2026-01-02T00:00:00Z|h7|failing|amount: not a number|2026-01-04T00:00:00Z",
            Scalar(connection, "SELECT concat_ws('|', object_type, id, updated_at, content_hash, status, reason, last_changed_at) FROM sync_ledger;"));
        Assert.Equal("Seven", Scalar(connection, "SELECT name FROM model_deals WHERE id = '7';"));
        Assert.Equal("1", Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_sync_ledger_status';"));
        Assert.Contains("6 0006_check_without_in_lists", Scalar(connection, "SELECT group_concat(version || ' ' || name, ',') FROM schema_version;"));
        var badStatus = Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO sync_ledger VALUES ('deals', '8', 'x', 'h', 'unknown', NULL, 'x');"));
        Assert.Contains("CHECK", badStatus.Message, StringComparison.Ordinal);
        var badType = Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO crm_records (object_type, id, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at) VALUES ('notes', '1', 'x', 'x', '{}', '{}', 'x', 'x');"));
        Assert.Contains("CHECK", badType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NewDatabase_Uses8KbPages()
    {
        using var connection = _temp.Database.Open();

        Assert.Equal("8192", Scalar(connection, "PRAGMA page_size;"));
    }

    [Fact]
    public void Open_DatabaseAtVersion6With4KbPages_Migration7KeepsThePagesAndIndexesOnlyRecordsNotInSync()
    {
        CreateDatabaseAt(6, """
            INSERT INTO sync_ledger VALUES ('deals', '1', '2026-01-02T00:00:00Z', 'h1', 'in_sync', NULL, '2026-01-04T00:00:00Z');
            INSERT INTO sync_ledger VALUES ('deals', '2', '2026-01-02T00:00:00Z', 'h2', 'failing', 'amount: not a number', '2026-01-04T00:00:00Z');
            INSERT INTO sync_ledger VALUES ('deals', '3', '2026-01-02T00:00:00Z', 'h3', 'excluded', 'pipeline: not in the filter', '2026-01-04T00:00:00Z');
            INSERT INTO sync_ledger VALUES ('tickets', '2', '2026-01-02T00:00:00Z', 'h4', 'in_sync', NULL, '2026-01-04T00:00:00Z');
            """, pragmas: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;");

        using var connection = _temp.Database.Open();

        Assert.Equal("4096", Scalar(connection, "PRAGMA page_size;"));
        Assert.Contains("7 0007_ledger_status_index_partial", Scalar(connection, "SELECT group_concat(version || ' ' || name, ',') FROM schema_version;"));
        Assert.Equal("deals 2 failing amount: not a number,deals 3 excluded pipeline: not in the filter", Scalar(connection, """
            SELECT group_concat(object_type || ' ' || id || ' ' || status || ' ' || reason, ',') FROM (
              SELECT * FROM sync_ledger INDEXED BY ix_sync_ledger_status WHERE object_type = 'deals' AND status <> 'in_sync' ORDER BY id);
            """));
        Assert.Equal("2", Scalar(connection, "SELECT COUNT(*) FROM sync_ledger INDEXED BY ix_sync_ledger_status WHERE status <> 'in_sync';"));
        Assert.EndsWith("WHERE status <> 'in_sync'", Scalar(connection, "SELECT sql FROM sqlite_master WHERE name = 'ix_sync_ledger_status';"), StringComparison.Ordinal);
        Assert.Equal("deals excluded 1,deals failing 1,deals in_sync 1,tickets in_sync 1", Scalar(connection, """
            SELECT group_concat(t, ',') FROM (SELECT object_type || ' ' || status || ' ' || COUNT(*) AS t FROM sync_ledger GROUP BY object_type, status ORDER BY object_type, status);
            """));
    }

    [Fact]
    public void Open_DatabaseAtVersion7_Migration8KeepsTheRowsWithLocalChangedAtNull()
    {
        CreateDatabaseAt(7, """
            INSERT INTO crm_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at)
            VALUES ('projects', '7', 0, NULL, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '{"hs_name":"Seven"}', '{"name":"Seven"}', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z');
            """);

        using var connection = _temp.Database.Open();

        Assert.Contains("8 0008_record_local_changed_at", Scalar(connection, "SELECT group_concat(version || ' ' || name, ',') FROM schema_version;"));
        Assert.Equal(
            "projects|7|0|2026-01-01T00:00:00Z|2026-01-02T00:00:00Z|{\"hs_name\":\"Seven\"}|{\"name\":\"Seven\"}|2026-01-03T00:00:00Z|2026-01-04T00:00:00Z|NULL",
            Scalar(connection, "SELECT concat_ws('|', object_type, id, archived, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at, COALESCE(local_changed_at, 'NULL')) FROM crm_records;"));
        Assert.Equal("Seven", Scalar(connection, "SELECT name FROM model_projects WHERE id = '7';"));
    }

    [Fact]
    public void LedgerReasonsQuery_ReadsOnlyThePartialStatusIndex_NeverEveryLedgerRowOfTheType()
    {
        using var connection = _temp.Database.Open();
        var plan = QueryPlan.Of(connection, SqliteDeliveryStore.LedgerReasonsSql, ("$type", "deals"));

        Assert.Contains(plan, step => step.Contains("SEARCH l USING COVERING INDEX ix_sync_ledger_status", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains("SEARCH x USING COVERING INDEX ix_sync_ledger_status (object_type=? AND status=? AND reason=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("PRIMARY KEY", StringComparison.Ordinal) || step.StartsWith("SCAN sync_ledger", StringComparison.Ordinal) || step.StartsWith("SCAN l", StringComparison.Ordinal) || step.StartsWith("SCAN x", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_Database_UsesWalJournal()
    {
        using var connection = _temp.Database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void OpenReadOnlyIfExists_NoFile_ReturnsNullAndCreatesNothing()
    {
        Assert.Null(_temp.Database.OpenReadOnlyIfExists());
        Assert.False(Directory.Exists(Path.GetDirectoryName(_temp.Path_)));
    }

    /// <summary>A database as an older version left it: migrations 1 to <paramref name="version"/> applied and recorded, then <paramref name="rows"/> written.</summary>
    private void CreateDatabaseAt(int version, string rows, string? pragmas = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.Path_)!);
        using var old = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _temp.Path_, Pooling = false }.ToString());
        old.Open();
        if (pragmas is not null)
        {
            Execute(old, pragmas);
        }

        Execute(old, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        foreach (var (number, name, sql) in SqliteDatabase.Migrations.All.Where(m => m.Version <= version))
        {
            Execute(old, sql);
            Execute(old, $"INSERT INTO schema_version VALUES ({number.ToString(CultureInfo.InvariantCulture)}, '{name}', '2026-01-01T00:00:00Z');");
        }

        Execute(old, rows);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
