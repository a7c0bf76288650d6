using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.Commands;

/// <summary><c>run</c>: bad input stops it at start; as a real process it syncs on schedule, survives a failing cycle and stops on SIGTERM.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-run-");

    [Fact]
    public async Task Run_BrokenMappingsFile_Exits2NamingTheFileBeforeAnythingIsWritten()
    {
        var mappings = Path.Combine(_dir.FullName, "mappings.json");
        await File.WriteAllTextAsync(mappings, "{ \"objects\": { \"deals\": ");
        var database = Path.Combine(_dir.FullName, "run.db");

        var (code, _, error) = await InProcess.RunAsync(Overrides(database, ("Sync:MappingsPath", mappings)), "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("mappings.json", error, StringComparison.Ordinal);
        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task Run_BrokenHealthRules_Exits2NamingTheFile()
    {
        var rules = Path.Combine(_dir.FullName, "health.json");
        await File.WriteAllTextAsync(rules, "{ \"weights\": [");

        var (code, _, error) = await InProcess.RunAsync(Overrides(Path.Combine(_dir.FullName, "run.db"), ("Health:RulesPath", rules)), "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("health.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadSchedule_Exits2ListingEveryKey()
    {
        var (code, _, error) = await InProcess.RunAsync(
            Overrides(Path.Combine(_dir.FullName, "run.db"), ("Schedule:ReconcileCron", "nightly"), ("Schedule:IncrementalEvery", "00:00:01"), ("HubSpot:BaseAddress", "nowhere")),
            "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Schedule:ReconcileCron", error, StringComparison.Ordinal);
        Assert.Contains("Schedule:IncrementalEvery", error, StringComparison.Ordinal);
        Assert.Contains("HubSpot:BaseAddress", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The worker as an operator runs it: the first incremental fire meets a HubSpot that answers 503 to everything,
    /// logs the failure and keeps running; the next fire (10 s later) syncs; SIGTERM stops it with exit 0.
    /// </summary>
    [Fact]
    public async Task Run_RealProcess_FailingCycleIsRetriedOnTheNextFireAndSigtermExits0()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var database = Path.Combine(_dir.FullName, "run.db");
        var environment = new Dictionary<string, string>
        {
            ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot__AccessToken"] = emulator.Options.Token,
            ["HubSpot__Tier"] = "unlimited",
            ["HubSpot__MaxRetryAttempts"] = "0",
            ["Storage__DatabasePath"] = database,
            ["Schedule__IncrementalEvery"] = "00:00:10",
            ["Schedule__ReconcileCron"] = "0 0 2 1 1 ? 2099",
        };
        var schema = await WorkerProcess.RunAsync(_dir.FullName, environment, TimeSpan.FromMinutes(1), "schema", "apply");
        Assert.True(schema.Code == ExitCodes.Success, $"schema apply exit {schema.Code}\n{schema.Error}");
        emulator.Control.SetFaults("503:1");

        using var worker = WorkerProcess.Start(_dir.FullName, environment, "run");
        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle failed", TimeSpan.FromSeconds(60));
        Assert.False(worker.HasExited);
        emulator.Control.SetFaults(null);

        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle finished", TimeSpan.FromSeconds(60));
        Signals.Terminate(worker.Id);
        var code = await worker.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == ExitCodes.Success, $"exit {code}\nstderr:\n{worker.Error}");
        Assert.Contains("incremental cycle every 00:00:10, full reconcile on cron '0 0 2 1 1 ? 2099'", worker.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("full-reconcile: cycle", worker.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("HubSpot rejected", worker.Error, StringComparison.Ordinal);
        var deals = emulator.Control.ExportState().Objects["deals"].Where(d => !d.Archived).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(deals, StoredIds(database, "deals"));
    }

    /// <summary>
    /// Shutdown in the middle of a cycle: HubSpot answers every call after 1 s, SIGTERM arrives while the first
    /// incremental cycle is pulling; the cycle is asked to stop (the job's token), stops after the call in flight
    /// with every committed page kept, and the worker exits 0 without finishing the cycle.
    /// </summary>
    [Fact]
    public async Task Run_RealProcess_SigtermDuringACycleStopsItAfterTheWorkInFlightAndExits0()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Seed = "demo";
            o.Faults = "slow:1@1s";
        });
        var environment = new Dictionary<string, string>
        {
            ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot__AccessToken"] = emulator.Options.Token,
            ["HubSpot__Tier"] = "unlimited",
            ["Storage__DatabasePath"] = Path.Combine(_dir.FullName, "run.db"),
            ["Schedule__IncrementalEvery"] = "00:10:00",
        };

        using var worker = WorkerProcess.Start(_dir.FullName, environment, "run");
        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle started", TimeSpan.FromSeconds(60));

        // The cycle is in flight now: every HubSpot answer takes a second, and its pull has dozens of calls to make.
        Signals.Terminate(worker.Id);
        var code = await worker.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == ExitCodes.Success, $"exit {code}\nstderr:\n{worker.Error}");
        Assert.Contains("incremental-sync: stopped on shutdown", worker.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("incremental-sync: cycle finished", worker.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    internal static List<string> StoredIds(string database, string objectType)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id FROM crm_records WHERE object_type = $type AND archived = 0;";
        cmd.Parameters.AddWithValue("$type", objectType);
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private static Dictionary<string, string?> Overrides(string database, params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["Storage:DatabasePath"] = database,
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        return overrides;
    }
}
