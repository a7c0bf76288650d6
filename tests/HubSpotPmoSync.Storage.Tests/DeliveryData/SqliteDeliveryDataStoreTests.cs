using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using HubSpotPmoSync.Testing.Builders;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Storage.Tests.DeliveryData;

public sealed class SqliteDeliveryDataStoreTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-store-");

    public void Dispose() => _dir.Delete(recursive: true);

    private SqliteDatabase Database() => new(new StorageOptions { DatabasePath = Path.Combine(_dir.FullName, "pmo.db") });

    private SqliteDeliveryDataStore CreateSut() => new(Database());

    private static ImportBatch Batch(string kind = "time-entries") => new(kind, "/data/file.csv", "abc123", At, 2, 0);

    [Fact]
    public void Migration_0004_Applied()
    {
        var db = Database();

        CreateSut().Load();

        Assert.True(db.SchemaVersion() >= 4);
        Assert.Contains(SqliteDatabase.Migrations.All, m => m.Name == "0004_delivery_data");
    }

    [Fact]
    public void UpsertTimeEntries_SameKeyTwice_StoredOnce()
    {
        var sut = CreateSut();
        var a = new HealthTimeEntryBuilder().WithHours(1.25m).WithCostRate(33.333m).WithNotes("design").Build();
        var b = new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 3)).Build();

        var first = sut.UpsertTimeEntries([new("k-a", a), new("k-b", b)], TimeEntryIdentity.Default, Batch());
        var second = sut.UpsertTimeEntries([new("k-a", a with { Hours = 1.2500m }), new("k-b", b)], TimeEntryIdentity.Default, Batch());

        Assert.Equal((2, 0), (first.Inserted, first.Unchanged));
        Assert.Equal((0, 2), (second.Inserted, second.Unchanged));
        Assert.NotEqual(first.BatchId, second.BatchId);
        Assert.Equal([a, b], sut.Load().TimeEntries);
    }

    [Fact]
    public void Load_UpTo_FiltersEntriesByDate()
    {
        var sut = CreateSut();
        sut.UpsertTimeEntries([new("1", new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 1)).Build()), new("2", new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 5)).Build())], TimeEntryIdentity.Default, Batch());
        sut.AddCostEntries([("c1", new CostEntry(new DateOnly(2026, 3, 1), "PRJ-0001", "licence", 99.99m)), ("c2", new CostEntry(new DateOnly(2026, 3, 9), "PRJ-0001", "hosting", 10m))], Batch("cost-entries"));

        var data = sut.Load(new DateOnly(2026, 3, 4));

        Assert.Single(data.TimeEntries);
        Assert.Equal(99.99m, Assert.Single(data.CostEntries).Amount);
    }

    [Fact]
    public void UpsertMilestones_InsertsUpdatesAndSkipsUnchanged()
    {
        var sut = CreateSut();
        var kickoff = new HealthMilestoneBuilder().WithName("Kickoff").ReachedOn(new DateOnly(2026, 3, 2)).Build();
        var design = new HealthMilestoneBuilder().WithName("Design").WithWeight(2.5m).WithPercentComplete(40m).Build();
        sut.UpsertMilestones([kickoff, design], Batch("milestones"));

        var result = sut.UpsertMilestones([kickoff, design with { PercentComplete = 60m }], Batch("milestones"));

        Assert.Equal((0, 1, 1), (result.Inserted, result.Updated, result.Unchanged));
        Assert.Equal(60m, sut.Load().Milestones.Single(m => m.Name == "Design").PercentComplete);
    }

    [Fact]
    public void LoadImportBatches_RecordsEachWrite()
    {
        var sut = CreateSut();
        sut.UpsertTimeEntries([], TimeEntryIdentity.Default, Batch());

        var batch = Assert.Single(sut.LoadImportBatches());

        Assert.Equal(Batch(), batch);
    }

    [Fact]
    public void HealthSnapshots_LatestPerProjectBeforeAsOf()
    {
        var sut = CreateSut();
        HealthSnapshot Snap(string id, int day, decimal? score) =>
            new(id, "PRJ-" + id, At.AddDays(day), At.AddDays(day), score, score is null ? Rag.Unknown : Rag.Amber, HealthTrend.Steady, 0.912m, null, 10_000.01m, "EUR", "Budget: CPI 0.91");
        sut.SaveHealthSnapshots([Snap("a", 0, 60m), Snap("b", 0, null)]);
        sut.SaveHealthSnapshots([Snap("a", 1, 61.5m)]);
        sut.SaveHealthSnapshots([Snap("a", 2, 70m)]);
        sut.SaveHealthSnapshots([Snap("a", 3, 80m)]);

        var loaded = sut.LoadHealthSnapshots(At.AddDays(3), perProject: 2);

        Assert.Equal([Snap("a", 1, 61.5m), Snap("a", 2, 70m), Snap("b", 0, null)], loaded);
    }

    [Fact]
    public void SaveHealthSnapshots_SameRunTwice_Replaced()
    {
        var sut = CreateSut();
        var snap = new HealthSnapshot("a", "PRJ-a", At, At, 50m, Rag.Amber, HealthTrend.Unknown, null, null, null, "EUR", "x");
        sut.SaveHealthSnapshots([snap]);

        sut.SaveHealthSnapshots([snap with { Score = 55m }]);

        Assert.Equal(55m, Assert.Single(sut.LoadHealthSnapshots(At.AddSeconds(1), 10)).Score);
    }

    [Fact]
    public void AddSqliteDeliveryData_ResolvesTheStore()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "di.db"),
        }).Build();
        using var provider = new ServiceCollection().AddSqliteStorage(configuration).AddSqliteDeliveryData().BuildServiceProvider();

        var store = provider.GetRequiredService<IDeliveryDataStore>();

        Assert.IsType<SqliteDeliveryDataStore>(store);
        Assert.Empty(store.Load().TimeEntries);
    }

    // Issue 17, point 7: a re-export replaces what an earlier import stored, and an import can be undone.

    [Fact]
    public void UpsertTimeEntries_SameKeyOtherValues_ReplacedAndUndoRestoresTheEarlierValues()
    {
        var sut = CreateSut();
        var four = new HealthTimeEntryBuilder().WithHours(4m).WithNotes("Discovery").Build();
        var first = sut.UpsertTimeEntries([new("k", four)], TimeEntryIdentity.Default, Batch());

        var second = sut.UpsertTimeEntries([new("k", four with { Hours = 6m }), new("k2", four with { Notes = "Build" })], TimeEntryIdentity.Default, Batch());
        var afterImport = sut.Load().TimeEntries.Select(e => e.Hours).ToList();
        var undo = sut.UndoImportBatch(second.BatchId, At.AddHours(1));

        Assert.Equal((1, 1, 0), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal([6m, 4m], afterImport);
        Assert.Equal(new ImportUndoResult(ImportUndoOutcome.Undone, 1, 1, []), undo with { LaterBatches = [] });
        Assert.Equal([four], sut.Load().TimeEntries);
        var batches = sut.ListImportBatches();
        Assert.Equal([null, At.AddHours(1)], batches.Select(b => b.UndoneAt));
        Assert.Equal((first.BatchId, 1, 0), (batches[0].Id, batches[0].Added, batches[0].Replaced));
        Assert.Equal(ImportUndoOutcome.AlreadyUndone, sut.UndoImportBatch(second.BatchId, At).Outcome);
    }

    [Fact]
    public void UndoImportBatch_ALaterBatchChangedItsRows_RefusedNamingItAndNothingChanged()
    {
        var sut = CreateSut();
        var entry = new HealthTimeEntryBuilder().WithHours(4m).Build();
        var first = sut.UpsertTimeEntries([new("k", entry)], TimeEntryIdentity.Default, Batch());
        var second = sut.UpsertTimeEntries([new("k", entry with { Hours = 6m })], TimeEntryIdentity.Default, Batch());

        var refused = sut.UndoImportBatch(first.BatchId, At);

        Assert.Equal(ImportUndoOutcome.Superseded, refused.Outcome);
        Assert.Equal([second.BatchId], refused.LaterBatches);
        Assert.Equal(6m, Assert.Single(sut.Load().TimeEntries).Hours);
        Assert.Equal(ImportUndoOutcome.NotFound, sut.UndoImportBatch(999, At).Outcome);
        Assert.Equal(ImportUndoOutcome.Undone, sut.UndoImportBatch(second.BatchId, At).Outcome);
        Assert.Equal(ImportUndoOutcome.Undone, sut.UndoImportBatch(first.BatchId, At).Outcome);
        Assert.Empty(sut.Load().TimeEntries);
    }

    [Fact]
    public void UndoImportBatch_Milestones_RemovesAddedAndRestoresReplaced()
    {
        var sut = CreateSut();
        var design = new HealthMilestoneBuilder().WithName("Design").WithPercentComplete(40m).Build();
        sut.UpsertMilestones([design], Batch("milestones"));
        var second = sut.UpsertMilestones([design with { PercentComplete = 75m }, design with { Name = "Build" }], Batch("milestones"));

        var undo = sut.UndoImportBatch(second.BatchId, At);

        Assert.Equal((1, 1), (undo.Removed, undo.Restored));
        Assert.Equal([design], sut.Load().Milestones);
    }

    [Fact]
    public void UpsertTimeEntries_AnotherIdentity_StoredRowsRekeyedSoTheyStillMatch()
    {
        var sut = CreateSut();
        var entry = new HealthTimeEntryBuilder().WithHours(4m).WithNotes("Discovery").Build();
        var byId = new TimeEntryIdentity([TimeEntryKeyField.Id]);
        sut.UpsertTimeEntries([new(Key(TimeEntryIdentity.Default, entry, "T-1"), entry, "T-1")], TimeEntryIdentity.Default, Batch());

        var again = sut.UpsertTimeEntries([new(Key(byId, entry, "T-1"), entry with { Notes = "Discovery workshop" }, "T-1")], byId, Batch());

        Assert.Equal((0, 1), (again.Inserted, again.Updated));
        Assert.Equal("Discovery workshop", Assert.Single(sut.Load().TimeEntries).Notes);
    }

    [Fact]
    public void Open_DatabaseAtVersion9WithTimeEntries_Migration10KeepsThemAndTheNextImportReplacesACorrectedRow()
    {
        var path = Path.Combine(_dir.FullName, "pmo.db");
        using (var old = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            old.Open();
            Exec(old, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
            foreach (var (number, name, sql) in SqliteDatabase.Migrations.All.Where(m => m.Version <= 9))
            {
                Exec(old, sql);
                Exec(old, $"INSERT INTO schema_version VALUES ({number.ToString(System.Globalization.CultureInfo.InvariantCulture)}, '{name}', '2026-01-01T00:00:00Z');");
            }

            // As the 0004 store wrote them: row_key a hash of every value, milestones keyed by code and name.
            Exec(old, """
                INSERT INTO import_batches (kind, source, content_hash, imported_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected)
                VALUES ('time-entries', '/data/t.csv', 'h', '2026-03-01T00:00:00.0000000Z', 2, 2, 0, 0, 0);
                INSERT INTO time_entries (row_key, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, batch_id) VALUES
                    ('9f2c', '2026-03-02', 'PRJ-0001', 'Ana Souza', '4', '55', '140', 'Discovery', 1),
                    ('7a1b', '2026-03-03', 'PRJ-0001', 'Ana Souza', '2.5', '55', '140', NULL, 1);
                """);
        }

        var sut = CreateSut();
        var before = sut.Load().TimeEntries;
        var corrected = new TimeEntry(new DateOnly(2026, 3, 2), "PRJ-0001", "Ana Souza", 6m, 55m, 140m, "Discovery");
        var unchanged = new TimeEntry(new DateOnly(2026, 3, 3), "PRJ-0001", "Ana Souza", 2.5m, 55m, 140m);
        var keys = TimeEntryIdentity.Default.Keys([(corrected, null), (unchanged, null)]);

        var result = sut.UpsertTimeEntries([new(keys[0]!, corrected), new(keys[1]!, unchanged)], TimeEntryIdentity.Default, Batch());

        Assert.True(Database().SchemaVersion() >= 10);
        Assert.Equal([4m, 2.5m], before.Select(e => e.Hours));
        Assert.Equal((0, 1, 1), (result.Inserted, result.Updated, result.Unchanged));
        Assert.Equal([corrected, unchanged], sut.Load().TimeEntries);
        var legacy = sut.ListImportBatches()[0];
        Assert.False(legacy.Undoable);
        Assert.Equal(ImportUndoOutcome.NotRecorded, sut.UndoImportBatch(legacy.Id, At).Outcome);
        Assert.Equal(ImportUndoOutcome.Undone, sut.UndoImportBatch(result.BatchId, At).Outcome);
        Assert.Equal(before, sut.Load().TimeEntries);
    }

    private static string Key(TimeEntryIdentity identity, TimeEntry entry, string? id) => identity.Keys([(entry, id)])[0]!;

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
