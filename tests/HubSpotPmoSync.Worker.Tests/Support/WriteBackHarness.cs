using System.Globalization;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// The real parts of a write-back end-to-end test: the HubSpot emulator over HTTP on 127.0.0.1, a real SQLite file in
/// a temp folder, and <c>hubspot-pmo-sync</c> commands run in-process (<see cref="CommandLine.RunAsync(string[], CommandEnvironment)"/>
/// with configuration overrides) or as a child process with the same settings as environment variables.
/// </summary>
internal sealed class WriteBackHarness : IAsyncDisposable
{
    private readonly DirectoryInfo _dir;

    private WriteBackHarness(EmulatorFixture emulator, DirectoryInfo dir)
    {
        Emulator = emulator;
        _dir = dir;
        DatabasePath = Path.Combine(dir.FullName, "pmo.db");
    }

    public EmulatorFixture Emulator { get; }

    public string Folder => _dir.FullName;

    public string DatabasePath { get; }

    /// <summary>A mappings file written by the test (null: the product's config/mappings.json).</summary>
    public string? MappingsPath { get; set; }

    /// <summary>Where the commands send HubSpot calls instead of the emulator itself (e.g. a proxy in front of it).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Further settings every command gets (e.g. <c>HubSpot:ApiVersion</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public static async Task<WriteBackHarness> StartAsync(string seed, string? faults = null)
    {
        var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Seed = seed;
            o.Tier = "unlimited";
            o.Faults = faults;
        });
        return new WriteBackHarness(emulator, Directory.CreateTempSubdirectory("pmo-e2e-wb-"));
    }

    /// <summary>The configuration an operator would give, as keys (in-process) …</summary>
    public Dictionary<string, string?> Overrides()
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HubSpot:BaseAddress"] = (BaseAddress ?? Emulator.BaseAddress).ToString(),
            ["HubSpot:AccessToken"] = "emulator-token",
            ["HubSpot:Tier"] = "unlimited",
            ["Storage:DatabasePath"] = DatabasePath,
        };
        if (MappingsPath is not null)
        {
            overrides["Sync:MappingsPath"] = MappingsPath;
        }

        foreach (var (key, value) in Settings)
        {
            overrides[key] = value;
        }

        return overrides;
    }

    /// <summary>… and as environment variables (child process).</summary>
    public IReadOnlyDictionary<string, string> Environment() =>
        Overrides().ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value!, StringComparer.Ordinal);

    /// <summary>Runs one command in-process; returns its exit code and what it printed.</summary>
    public async Task<CommandResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CommandLine.RunAsync(args, new CommandEnvironment(output, error, Overrides()));
        return new CommandResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed.</summary>
    public async Task<CommandResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        if (result.Code != 0)
        {
            throw new Xunit.Sdk.XunitException($"'{string.Join(' ', args)}' exited {result.Code}\nstdout:\n{result.Output}\nstderr:\n{result.Error}");
        }

        return result;
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Write calls the emulator answered so far (any status): creates, updates, upserts, archives, links, schema changes.</summary>
    public long WriteCalls() => WriteCalls(Emulator.Control.Stats());

    public static long WriteCalls(EmulatorStatsSnapshot stats) => stats.Requests.Where(r => IsWrite(r.Key)).Sum(r => r.Value);

    /// <summary>Write calls by route (for messages).</summary>
    public string WriteCallsByRoute() =>
        string.Join("; ", Emulator.Control.Stats().Requests.Where(r => IsWrite(r.Key)).Select(r => $"{r.Key} x{r.Value}"));

    /// <summary>Whether a stats key <c>"METHOD /route/template STATUS"</c> is a write (see <see cref="EmulatorCalls.IsWrite"/>).</summary>
    public static bool IsWrite(string key) => EmulatorCalls.IsWrite(key);

    public IReadOnlyList<ExportedRecord> Records(string objectType) =>
        Emulator.Control.ExportState().Objects.TryGetValue(objectType, out var records) ? records : [];

    /// <summary>The audit log (wb_audit) of the SQLite file, oldest first.</summary>
    public IReadOnlyList<AuditRow> Audit() => Query(
        "SELECT object_type, record_key, property, before_value, after_value, policy, decision, source FROM wb_audit ORDER BY id",
        r => new AuditRow(r.GetString(0), r.GetString(1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), r.GetString(6), r.GetString(7)));

    /// <summary>Dead letters (wb_dead_letters).</summary>
    public IReadOnlyList<DeadLetterRow> DeadLetters() => Query(
        "SELECT id, object_type, record_key, property, value, category, message FROM wb_dead_letters ORDER BY id",
        r => new DeadLetterRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Text(r, 4), r.GetString(5), r.GetString(6)));

    public long Scalar(string sql) => Query(sql, r => r.GetInt64(0))[0];

    /// <summary>
    /// Closes the pooled connections the in-process commands left open (the last one to close checkpoints), then moves
    /// whatever is still in the write-ahead log into the database file and empties the log.
    /// </summary>
    public void Checkpoint()
    {
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

internal sealed record CommandResult(int Code, string Output, string Error);

internal sealed record AuditRow(string ObjectType, string RecordKey, string? Property, string? Before, string? After, string Policy, string Decision, string Source);

internal sealed record DeadLetterRow(long Id, string ObjectType, string RecordKey, string Property, string? Value, string Category, string Message);
