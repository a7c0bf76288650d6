using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing.Postgres;

namespace HubSpotPmoSync.Storage.Tests.WriteBack;

/// <summary>The write-back contract on PostgreSQL, each test in a schema of its own; and its read-only store.</summary>
public sealed class PostgresWriteBackStoreTests : WriteBackStoreContractTests, IDisposable
{
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;

    public PostgresWriteBackStoreTests() => _database = new PostgresDatabase(_schema.ConnectionString);

    protected override IWriteBackStore CreateSut() => new PostgresWriteBackStore(_database);

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }

    [Fact]
    public async Task ReadOnly_NoTablesYet_ReadsEmptyCreatesNothingAndRefusesWrites()
    {
        var store = PostgresWriteBackStore.ReadOnly(_database);

        Assert.Empty(await store.GetPendingAsync(None));
        Assert.Empty(await store.ListDeadLettersAsync(None));
        Assert.Empty(await store.GetPropertyStatesAsync([new RecordRef(CrmObjectTypes.Projects, "1")], None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnqueueAsync([Change("1", "health_status", "red")], T0, None));
        Assert.False(await _database.ExistsAsync(None));
    }

    [Fact]
    public async Task ReadOnly_ExistingTables_ReadsWhatTheWriterStored()
    {
        await CreateSut().EnqueueAsync([Change("1", "health_status", "red")], T0, None);

        var store = PostgresWriteBackStore.ReadOnly(_database);

        Assert.Equal("red", Assert.Single(await store.GetPendingAsync(None)).Change.Value);
    }
}
