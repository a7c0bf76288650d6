using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using HubSpotPmoSync.Testing.Builders;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Storage.Tests.DeliveryData;

public sealed class SqliteDeliveryDataStoreTests : DeliveryDataStoreContractTests, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-store-");

    public void Dispose() => _dir.Delete(recursive: true);

    private SqliteDatabase Database() => new(new StorageOptions { DatabasePath = Path.Combine(_dir.FullName, "pmo.db") });

    protected override IDeliveryDataStore CreateSut() => new SqliteDeliveryDataStore(Database());

    [Fact]
    public async Task Migration_0004_Applied()
    {
        var db = Database();

        await CreateSut().LoadAsync(null, default);

        Assert.True(db.SchemaVersion() >= 4);
        Assert.Contains(SqliteDatabase.Migrations.All, m => m.Name == "0004_delivery_data");
    }

    [Fact]
    public async Task AddSqliteDeliveryData_ResolvesTheStore()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "di.db"),
        }).Build();
        using var provider = new ServiceCollection().AddSqliteStorage(configuration).AddSqliteDeliveryData().BuildServiceProvider();

        var store = provider.GetRequiredService<IDeliveryDataStore>();

        Assert.IsType<SqliteDeliveryDataStore>(store);
        Assert.Empty((await store.LoadAsync(null, default)).TimeEntries);
    }

    // Issue 17, point 7: a re-export replaces what an earlier import stored, and an import can be undone.

    [Fact]
    public async Task Open_DatabaseAtVersion9WithTimeEntries_Migration10KeepsThemAndTheNextImportReplacesACorrectedRow()
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
        var before = (await sut.LoadAsync(null, default)).TimeEntries;
        var corrected = new TimeEntry(new DateOnly(2026, 3, 2), "PRJ-0001", "Ana Souza", 6m, 55m, 140m, "Discovery");
        var unchanged = new TimeEntry(new DateOnly(2026, 3, 3), "PRJ-0001", "Ana Souza", 2.5m, 55m, 140m);
        var keys = TimeEntryIdentity.Default.Keys([(corrected, null), (unchanged, null)]);

        var result = await sut.UpsertTimeEntriesAsync([new(keys[0]!, corrected), new(keys[1]!, unchanged)], TimeEntryIdentity.Default, Batch(), default);

        Assert.True(Database().SchemaVersion() >= 10);
        Assert.Equal([4m, 2.5m], before.Select(e => e.Hours));
        Assert.Equal((0, 1, 1), (result.Inserted, result.Updated, result.Unchanged));
        Assert.Equal([corrected, unchanged], (await sut.LoadAsync(null, default)).TimeEntries);
        var legacy = (await sut.ListImportBatchesAsync(default))[0];
        Assert.False(legacy.Undoable);
        Assert.Equal(ImportUndoOutcome.NotRecorded, (await sut.UndoImportBatchAsync(legacy.Id, At, default)).Outcome);
        Assert.Equal(ImportUndoOutcome.Undone, (await sut.UndoImportBatchAsync(result.BatchId, At, default)).Outcome);
        Assert.Equal(before, (await sut.LoadAsync(null, default)).TimeEntries);
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
