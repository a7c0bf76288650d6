using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Commands;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// One cycle at a time per database, across processes: while another process holds the database's cycle lock (this
/// test process, as a <c>run</c> worker or a second <c>sync</c> would), a real <c>sync</c> process exits 1 naming the
/// database and the lock file, and writes nothing; a real <c>run</c> worker skips the fire with a warning and syncs
/// on the next one once the lock is free.
/// </summary>
public sealed class CycleLockEndToEndTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Sync_WhileAnotherCycleHoldsTheDatabase_Exits1NamingTheLockAndWritesNothing_ThenSyncsOnceFree()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator);
        var database = new SqliteDatabase(new StorageOptions { DatabasePath = workspace.DatabasePath });
        var schema = await workspace.RunAsync(TimeSpan.FromMinutes(1), "schema", "apply");
        Assert.True(schema.Code == ExitCodes.Success, $"schema apply exit {schema.Code}\n{schema.Error}");

        using (await CycleLock.AcquireAsync(database, "test holder", Since))
        {
            var (code, output, error) = await workspace.RunAsync(TimeSpan.FromMinutes(1), "sync");

            Assert.True(code == ExitCodes.RuntimeFailure, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
            Assert.Contains($"error: another cycle is running on the database '{workspace.DatabasePath}' (it holds '{workspace.DatabasePath}.lock'", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
            Assert.False(File.Exists(workspace.DatabasePath), "the refused sync created the database");

            // A dry run writes nothing and takes no lock: it still answers.
            var (dryCode, _, dryError) = await workspace.RunAsync(TimeSpan.FromMinutes(1), "sync", "--dry-run");
            Assert.True(dryCode == ExitCodes.Success, $"dry run exit {dryCode}\nstderr:\n{dryError}");
        }

        // The holder is named in the lock file (readable once released: .NET reads with a shared lock).
        Assert.Equal($"pid {Environment.ProcessId}, test holder, since 2026-11-22T09:00:00.0000000+00:00\n", File.ReadAllText(workspace.DatabasePath + ".lock"));
        await workspace.SyncAsync(TimeSpan.FromMinutes(1));
        var deals = emulator.Control.ExportState().Objects["deals"].Where(d => !d.Archived).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(deals, RunCommandTests.StoredIds(workspace.DatabasePath, "deals"));
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// <c>status</c> reads the lock without taking it: it says whether a cycle runs now, and so tells a run in flight
    /// from one whose process ended without an outcome (here a run row left unfinished, as a SIGKILL leaves it).
    /// </summary>
    [Fact]
    public async Task Status_TellsARunningCycleFromAKilledOne_ByTheLock()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator);
        await workspace.SyncAsync(TimeSpan.FromMinutes(1));
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = workspace.DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO sync_runs (kind, started_at) VALUES ('sync', '2026-11-22T09:00:00.000Z');";
            cmd.ExecuteNonQuery();
        }

        var free = await StatusAsync(workspace);
        Assert.Matches(@"cycle: none running \(last: pid \d+, incremental cycle, since ", free);
        Assert.Contains("→ no outcome (its process ended first, e.g. killed)", free, StringComparison.Ordinal);

        var database = new SqliteDatabase(new StorageOptions { DatabasePath = workspace.DatabasePath });
        using (await CycleLock.AcquireAsync(database, "test holder", Since))
        {
            var held = await StatusAsync(workspace);
            Assert.Contains("cycle: running now (another process holds the database's cycle lock)", held, StringComparison.Ordinal);
            Assert.Contains("2026-11-22T09:00:00.000Z → running", held, StringComparison.Ordinal);
            Assert.Equal(1, held.Split('\n').Count(l => l.Contains("→ running", StringComparison.Ordinal)));
        }

        // The probe took nothing: a cycle starts at once afterwards.
        using var again = await CycleLock.AcquireAsync(database, "test holder", Since);
        SqliteConnection.ClearAllPools();
    }

    private static async Task<string> StatusAsync(SyncWorkspace workspace)
    {
        var (code, output, error) = await workspace.RunAsync(TimeSpan.FromMinutes(1), "status");
        Assert.True(code == ExitCodes.Success, $"status exit {code}\nstderr:\n{error}");
        return output;
    }

    [Fact]
    public async Task Run_WhileAnotherCycleHoldsTheDatabase_SkipsTheFireWithAWarning_AndSyncsOnTheNextOnceFree()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator, new Dictionary<string, string>
        {
            ["Schedule__IncrementalEvery"] = "00:00:10",
            ["Schedule__ReconcileCron"] = "0 0 2 1 1 ? 2099",
        });
        var database = new SqliteDatabase(new StorageOptions { DatabasePath = workspace.DatabasePath });

        var held = await CycleLock.AcquireAsync(database, "test holder", Since);
        using var worker = workspace.Start("run");
        try
        {
            await Signals.WaitForAsync(() => worker.Error, "incremental-sync: skipped, another process is running a cycle on this database", TimeSpan.FromSeconds(60));
            Assert.Contains(workspace.DatabasePath + ".lock", worker.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("cycle failed", worker.Error, StringComparison.Ordinal);
            Assert.False(worker.HasExited);
        }
        finally
        {
            held.Dispose();
        }

        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle finished", TimeSpan.FromSeconds(60));
        Signals.Terminate(worker.Id);
        var code = await worker.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == ExitCodes.Success, $"exit {code}\nstderr:\n{worker.Error}");
        var deals = emulator.Control.ExportState().Objects["deals"].Where(d => !d.Archived).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(deals, RunCommandTests.StoredIds(workspace.DatabasePath, "deals"));
        SqliteConnection.ClearAllPools();
    }
}
