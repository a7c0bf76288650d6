using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using HubSpotPmoSync.Testing.Builders;
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
    public void AddTimeEntries_SameRowKeyTwice_StoredOnce()
    {
        var sut = CreateSut();
        var a = new HealthTimeEntryBuilder().WithHours(1.25m).WithCostRate(33.333m).WithNotes("design").Build();
        var b = new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 3)).Build();

        var first = sut.AddTimeEntries([("k-a", a), ("k-b", b)], Batch());
        var second = sut.AddTimeEntries([("k-a", a), ("k-b", b)], Batch());

        Assert.Equal((2, 0), (first.Inserted, first.Unchanged));
        Assert.Equal((0, 2), (second.Inserted, second.Unchanged));
        Assert.NotEqual(first.BatchId, second.BatchId);
        Assert.Equal([a, b], sut.Load().TimeEntries);
    }

    [Fact]
    public void Load_UpTo_FiltersEntriesByDate()
    {
        var sut = CreateSut();
        sut.AddTimeEntries([("1", new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 1)).Build()), ("2", new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 5)).Build())], Batch());
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
        sut.AddTimeEntries([], Batch());

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
}
