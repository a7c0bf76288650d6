using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing.Postgres;

namespace HubSpotPmoSync.Storage.Tests.DeliveryData;

/// <summary>The delivery data contract on PostgreSQL, each test in a schema of its own.</summary>
public sealed class PostgresDeliveryDataStoreTests : DeliveryDataStoreContractTests, IDisposable
{
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;

    public PostgresDeliveryDataStoreTests() => _database = new PostgresDatabase(_schema.ConnectionString);

    protected override IDeliveryDataStore CreateSut() => new PostgresDeliveryDataStore(_database);

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }
}
