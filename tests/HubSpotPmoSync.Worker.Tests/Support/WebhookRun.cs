using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HubSpotPmoSync.Testing.Emulator;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// The real <c>run</c> process receiving the emulator's webhooks: the schema applied, the worker on a fixed free
/// loopback port with <c>Webhooks:ClientSecret</c>, its first (scheduled) cycle done, and the emulator delivering to
/// it. Reads the worker's SQLite file and the emulator's state for the assertions.
/// </summary>
internal sealed class WebhookRun : IDisposable
{
    public const string Secret = "webhook-e2e-client-secret";

    private WebhookRun(EmulatorFixture emulator, SyncWorkspace workspace, int port)
    {
        Emulator = emulator;
        Workspace = workspace;
        Port = port;
    }

    public EmulatorFixture Emulator { get; }

    public SyncWorkspace Workspace { get; }

    public int Port { get; }

    public WorkerProcess? Worker { get; private set; }

    public Uri WebhookUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/webhooks/hubspot");

    /// <summary>Applies the schema and starts <c>run</c> (incremental cycle hourly: only its first fire runs), then points the emulator's webhooks at it.</summary>
    public static async Task<WebhookRun> StartAsync(EmulatorFixture emulator, string debounce = "00:00:00.200")
    {
        var port = FreePort();
        var workspace = new SyncWorkspace(emulator, new Dictionary<string, string>
        {
            ["Schedule__IncrementalEvery"] = "01:00:00",
            ["Schedule__ReconcileCron"] = "0 0 2 1 1 ? 2099",
            ["Http__Urls"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Webhooks__ClientSecret"] = Secret,
            ["Webhooks__Debounce"] = debounce,
        });
        var run = new WebhookRun(emulator, workspace, port);
        var schema = await workspace.RunAsync(TimeSpan.FromMinutes(2), "schema", "apply");
        Assert.True(schema.Code == 0, $"schema apply exit {schema.Code}\n{schema.Error}");
        await run.StartWorkerAsync();
        emulator.Control.ConfigureWebhooks(run.WebhookUrl, Secret);
        return run;
    }

    /// <summary>Starts <c>run</c> (again) and waits for its first cycle to finish.</summary>
    public async Task StartWorkerAsync(string? debounce = null)
    {
        if (debounce is not null)
        {
            Workspace.Set("Webhooks__Debounce", debounce);
        }

        var worker = Workspace.Start("run");
        Worker = worker;
        await WaitUntilAsync(
            () => worker.HasExited ? throw new InvalidOperationException($"run exited at start:\n{worker.Error}") : worker.Error.Contains("incremental-sync: cycle finished", StringComparison.Ordinal),
            "run's first cycle");
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails with <paramref name="what"/> and the worker's log after a generous deadline.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"{what}: not reached.\nworker stderr:\n{Worker?.Error}");
            }

            await Task.Delay(100);
        }
    }

    public T Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Workspace.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var reader = cmd.ExecuteReader();
        return read(reader);
    }

    /// <summary>The stored record's archived flag (null when not stored).</summary>
    public bool? StoredArchived(string objectType, string id) =>
        Query("SELECT archived FROM crm_records WHERE object_type = $t AND id = $id;", r => r.Read() ? r.GetInt64(0) != 0 : (bool?)null, ("$t", objectType), ("$id", id));

    public string? StoredProperty(string objectType, string id, string property) =>
        Query("SELECT json_extract(properties, $p) FROM crm_records WHERE object_type = $t AND id = $id;", r => r.Read() && !r.IsDBNull(0) ? r.GetString(0) : null,
            ("$t", objectType), ("$id", id), ("$p", "$." + property));

    public bool StoredLink(string fromType, string fromId, string toType, string toId) =>
        Query("SELECT COUNT(*) FROM crm_associations WHERE from_type = $ft AND from_id = $f AND to_type = $tt AND to_id = $to;", r => r.Read() && r.GetInt64(0) > 0,
            ("$ft", fromType), ("$f", fromId), ("$tt", toType), ("$to", toId));

    /// <summary>The inbox rows: object id, processed, pushed.</summary>
    public List<(string ObjectId, string Type, bool Processed, bool Pushed)> Inbox() =>
        Query("SELECT object_id, subscription_type, processed_at IS NOT NULL, pushed_at IS NOT NULL FROM webhook_inbox ORDER BY id;", r =>
        {
            var rows = new List<(string, string, bool, bool)>();
            while (r.Read())
            {
                rows.Add((r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, r.GetInt64(3) != 0));
            }

            return rows;
        });

    /// <summary>HubSpot's current value of a property (the emulator's state).</summary>
    public string? HubSpotValue(string objectType, string id, string property) =>
        Emulator.Control.ExportState().Objects[objectType].Single(r => r.Id == id).Properties.GetValueOrDefault(property);

    public void Dispose()
    {
        Worker?.Dispose();
        SqliteConnection.ClearAllPools();
        Workspace.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
