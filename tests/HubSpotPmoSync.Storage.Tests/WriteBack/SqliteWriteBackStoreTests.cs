using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage.WriteBack;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Storage.Tests.WriteBack;

public sealed class SqliteWriteBackStoreTests : WriteBackStoreContractTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wb-" + Guid.NewGuid().ToString("N"));

    public SqliteWriteBackStoreTests() => Directory.CreateDirectory(_folder);

    private string DatabasePath => Path.Combine(_folder, "sync.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ReadOnly_DatabaseFromBeforeMigration0009_ListsDeadLettersAsNotHeld()
    {
        var writer = CreateSut();
        await writer.EnqueueAsync([Change("1", "health_status", "purple")], T0, None);
        var entry = Assert.Single(await writer.GetPendingAsync(None));
        await writer.CommitFlushAsync(FlushCommit.Empty(T0) with { DeadLettered = [new DeadLetterEntry(entry, "VALIDATION_ERROR", "bad", Rejected: true)] }, None);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "ALTER TABLE wb_dead_letters DROP COLUMN rejected; DELETE FROM schema_version WHERE name = '0009_dead_letter_rejected';";
            cmd.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var readOnly = SqliteWriteBackStore.ReadOnly(new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath }));

        Assert.False(Assert.Single(await readOnly.ListDeadLettersAsync(None)).Rejected);
        Assert.False((await States(readOnly, "1")).TryGetValue(Key("1", "health_status"), out var state) && state.HasRejected);
        Assert.False(Assert.Single(await CreateSut().ListDeadLettersAsync(None)).Rejected);
    }

    [Fact]
    public async Task AuditSql_OneRecordsLines_ReadFromTheRecordIndexNotTheWholeLog()
    {
        await CreateSut().GetPendingAsync(None);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        var plan = QueryPlan.Of(
            connection,
            SqliteWriteBackStore.AuditSql(new AuditQuery("projects", "7", 10, "kickoff:deal 9")),
            ("$type", "projects"), ("$key", "7"), ("$source", "kickoff:deal 9"), ("$limit", 10));

        Assert.Contains(plan, p => p.Contains("USING INDEX ix_wb_audit_record (object_type=? AND record_key=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, p => p.StartsWith("SCAN wb_audit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadOnly_NoDatabaseYet_ReadsEmptyAndCreatesNoFile()
    {
        var store = SqliteWriteBackStore.ReadOnly(new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath }));

        var pending = await store.GetPendingAsync(None);
        var states = await store.GetPropertyStatesAsync([new RecordRef("projects", "1")], None);
        var letters = await store.ListDeadLettersAsync(None);

        Assert.Empty(pending);
        Assert.Empty(states);
        Assert.Empty(letters);
        Assert.False(File.Exists(DatabasePath));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnqueueAsync([Change("1", "health_status", "red")], T0, None));
    }

    [Fact]
    public async Task ReadOnly_ExistingDatabase_ReadsItAndLeavesTheFileUnchanged()
    {
        var writer = CreateSut();
        await writer.EnqueueAsync([Change("1", "health_status", "red")], T0, None);
        await writer.RecordObservedAsync("projects", "1", Values(("health_status", "green")), T0, None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Snapshot();

        var store = SqliteWriteBackStore.ReadOnly(new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath }));
        var plan = await WriteBackPlanner.PlanAsync(store, [Change("2", "health_score", "40")], null, None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal(["1.health_status", "2.health_score"], plan.Updates.Select(u => u.RecordKey + "." + u.Property));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task DryRunPlanOverReadOnlyStore_ThenRealRun_AppliedChangesEqualThePlan()
    {
        var time = new FakeTimeProvider(T0);
        var portal = new FakeCrmPortal(time);
        await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: false, None);
        var ids = Enumerable.Range(1, 150).Select(i => portal.Seed("projects", new Dictionary<string, string?> { ["project_code"] = "P" + i, ["health_status"] = i % 2 == 0 ? "green" : null })).ToList();
        var store = CreateSut();
        await store.RecordObservedAsync("projects", ids.Select(id => portal.Get("projects", id)), ["health_status"], None);
        await store.EnqueueAsync([new OutboundChange("projects", ids[0], "health_score", "10", "health", ConflictPolicy.LocalWins, T0)], T0, None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        time.Advance(TimeSpan.FromMinutes(5));
        var desired = ids.Select((id, i) => new OutboundChange("projects", id, "health_status", i % 3 == 0 ? "green" : "red", "health", ConflictPolicy.LocalWins, time.GetUtcNow())).ToList();
        var before = Snapshot();

        var plan = await WriteBackPlanner.PlanAsync(SqliteWriteBackStore.ReadOnly(new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath })), desired, null, None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var unchangedByPlan = Snapshot() == before;
        var writesByPlan = portal.WriteCalls;
        await store.EnqueueAsync(desired, time.GetUtcNow(), None);
        var flush = await new OutboxFlusher(store, portal, time).FlushAsync(None);

        Assert.True(unchangedByPlan);
        Assert.Equal(portal.WriteCalls - flush.WriteCalls, writesByPlan);
        Assert.NotEmpty(plan.Updates);
        Assert.Equal(plan.Updates, flush.Applied);
        Assert.Equal(plan.Unchanged, flush.Unchanged);
    }

    [Fact]
    public async Task Open_DatabaseFromBeforeMigration0005_ReadOnlyReadsItAndTheNextWriteMigratesIt()
    {
        var writer = CreateSut();
        await writer.EnqueueAsync([Change("1", "health_status", "red")], T0, None);
        await writer.CommitFlushAsync(FlushCommit.Empty(T0) with { Pushed = [new PushedValue(0, 0, Key("1", "health_status"), "red", "health", T0)] }, None);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "DROP TABLE wb_desired; DROP TABLE wb_kept; DELETE FROM schema_version WHERE name = '0005_write_back_desired';";
            cmd.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var readOnly = await States(SqliteWriteBackStore.ReadOnly(new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath })), "1");
        var upgraded = CreateSut();
        await upgraded.EnqueueAsync([Change("1", "health_status", "red") with { Policy = ConflictPolicy.HubSpotWins }], T0, None);
        var migrated = await States(upgraded, "1");

        var before = readOnly[Key("1", "health_status")];
        Assert.Equal((false, true, "red"), (before.HasDesired, before.HasPushed, before.PushedValue));
        Assert.Equal(T0, DesiredValues.Since("red", before, T0.AddDays(1)));
        Assert.True(migrated[Key("1", "health_status")].HasDesired);
    }

    protected override IWriteBackStore CreateSut() => new SqliteWriteBackStore(new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath }));

    // The database file and the content of its write-ahead log (SQLite may create an empty -wal and the -shm index
    // to open a WAL database read-only; neither holds data).
    private string Snapshot() =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(DatabasePath)))
        + ":wal=" + (File.Exists(DatabasePath + "-wal") ? new FileInfo(DatabasePath + "-wal").Length : 0);
}
