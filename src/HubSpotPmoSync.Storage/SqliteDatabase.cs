using System.Globalization;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage;

/// <summary>
/// Opens connections to the product's SQLite file: WAL journal, foreign keys on, a busy timeout, the file
/// created with owner-only permissions, and the numbered migration scripts applied once.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly object _migrateGate = new();
    private bool _migrated;

    public SqliteDatabase(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Whether the database file exists already (nothing is created by asking).</summary>
    public bool Exists => File.Exists(DatabasePath);

    /// <summary>
    /// Opens a connection, creating and migrating the database on first use. A database or folder this user may not
    /// write fails here with a <see cref="StorageAccessException"/> naming it, not with SQLite's bare error code.
    /// </summary>
    public SqliteConnection Open()
    {
        try
        {
            EnsureCreatedAndMigrated();
            return OpenRaw();
        }
        catch (Exception e) when (Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    /// <summary>
    /// Checks, before a cycle or an import writes anything, that this user can write the database: the file (and its
    /// -wal/-shm companions) and the folder SQLite creates them in. Creates and migrates a new database, as
    /// <see cref="Open"/> does; otherwise changes nothing (a write transaction is begun and rolled back).
    /// </summary>
    /// <exception cref="StorageAccessException">The file or its folder is not writable for this user.</exception>
    public void EnsureWritable()
    {
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(file) && !CanWrite(file))
            {
                throw StorageAccessException.ReadOnlyFile(DatabasePath, file, null);
            }
        }

        try
        {
            using var connection = Open();
            Execute(connection, "BEGIN IMMEDIATE; ROLLBACK;");
        }
        catch (Exception e) when (e is not StorageAccessException && Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    /// <summary>
    /// What an I/O or SQLite failure means when the cause is permissions: the read-only file or the folder that does not
    /// let this user create files, checked on the spot; null when neither is the cause (the original error stands).
    /// </summary>
    internal StorageAccessException? Explain(Exception exception)
    {
        if (exception is StorageAccessException
            || exception is not (UnauthorizedAccessException or IOException or SqliteException { SqliteErrorCode: 8 or 14 or 23 }))
        {
            return null;
        }

        var folder = Path.GetDirectoryName(DatabasePath);
        while (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            folder = Path.GetDirectoryName(folder);
        }

        if (!string.IsNullOrEmpty(folder) && !CanCreateIn(folder))
        {
            return StorageAccessException.FolderNotWritable(DatabasePath, folder, exception);
        }

        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(file) && !CanWrite(file))
            {
                return StorageAccessException.ReadOnlyFile(DatabasePath, file, exception);
            }
        }

        return null;
    }

    private static bool CanWrite(string file)
    {
        try
        {
            // Opening for writing changes nothing; the operating system refuses it when this user may not write.
            using var _ = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static bool CanCreateIn(string folder)
    {
        try
        {
            // Only on the error path: a file that exists for an instant, removed as it is closed.
            using var _ = new FileStream(
                Path.Combine(folder, "." + Guid.NewGuid().ToString("N") + ".probe"),
                new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.DeleteOnClose });
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens a read-only connection to an existing database without creating or migrating anything
    /// (for dry runs and status); null when there is no database yet.
    /// </summary>
    public SqliteConnection? OpenReadOnlyIfExists()
    {
        if (!Exists)
        {
            return null;
        }

        var cs = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString();
        var connection = new SqliteConnection(cs);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};");
        return connection;
    }

    /// <summary>The highest migration applied, 0 for a new database.</summary>
    public int SchemaVersion()
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void EnsureCreatedAndMigrated()
    {
        if (Volatile.Read(ref _migrated))
        {
            return;
        }

        lock (_migrateGate)
        {
            if (_migrated)
            {
                return;
            }

            CreateFileWithOwnerOnlyMode();
            using var connection = OpenRaw();
            // A new database gets 8 KB pages (SQLite's default is 4 KB): measured with the sqlite-ingest benchmark,
            // the sync's pages of mapped records (about 1 KB a row) and their link index entries cost about 10 % less
            // CPU per record. The page size of an existing database is fixed once it is in WAL mode; this is then a
            // no-op and the database keeps its pages.
            Execute(connection, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;");
            Migrate(connection);
            _migrated = true;
        }
    }

    private void CreateFileWithOwnerOnlyMode()
    {
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        if (File.Exists(DatabasePath))
        {
            return;
        }

        // The file holds client and financial data: create it owner-read/write only, before SQLite opens it.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var _ = new FileStream(DatabasePath, options);
        }
        catch (IOException) when (File.Exists(DatabasePath))
        {
            // Another process created it first.
        }
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private static void Migrate(SqliteConnection connection)
    {
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            );
            """);

        using var tx = connection.BeginTransaction(System.Data.IsolationLevel.Serializable);
        var applied = new HashSet<int>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT version FROM schema_version;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, name, sql) in Migrations.All)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();

            using var record = connection.CreateCommand();
            record.Transaction = tx;
            record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, strftime('%Y-%m-%dT%H:%M:%fZ','now'));";
            record.Parameters.AddWithValue("$v", version);
            record.Parameters.AddWithValue("$n", name);
            record.ExecuteNonQuery();
        }

        tx.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The embedded <c>Migrations/NNNN_name.sql</c> scripts in number order.</summary>
    internal static class Migrations
    {
        public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } = Load();

        private static List<(int, string, string)> Load()
        {
            var assembly = typeof(SqliteDatabase).Assembly;
            var list = new List<(int, string, string)>();
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
            {
                // Resource names look like HubSpotPmoSync.Storage.Migrations.0001_initial.sql
                var file = resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
                var underscore = file.IndexOf('_', StringComparison.Ordinal);
                if (underscore <= 0 || !int.TryParse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    throw new InvalidOperationException($"Migration '{file}' is not named NNNN_name.sql.");
                }

                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                list.Add((version, file[..^4], reader.ReadToEnd()));
            }

            var duplicate = list.GroupBy(m => m.Item1).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidOperationException($"Two migrations share number {duplicate.Key}.");
            }

            return list.OrderBy(m => m.Item1).ToList();
        }
    }
}
