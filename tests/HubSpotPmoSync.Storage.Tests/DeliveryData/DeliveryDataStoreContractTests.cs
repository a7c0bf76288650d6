using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Storage.Tests.DeliveryData;

/// <summary>The behaviour every <see cref="IDeliveryDataStore"/> must have; run against the SQLite and the PostgreSQL store.</summary>
public abstract class DeliveryDataStoreContractTests
{
    protected static readonly DateTimeOffset At = new(2026, 3, 20, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store over an empty database of its own.</summary>
    protected abstract IDeliveryDataStore CreateSut();

    protected static ImportBatch Batch(string kind = "time-entries") => new(kind, "/data/file.csv", "abc123", At, 2, 0);

    [Fact]
    public async Task UpsertTimeEntries_SameKeyTwice_StoredOnce()
    {
        var sut = CreateSut();
        var a = new HealthTimeEntryBuilder().WithHours(1.25m).WithCostRate(33.333m).WithNotes("design").Build();
        var b = new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 3)).Build();

        var first = await sut.UpsertTimeEntriesAsync([new("k-a", a), new("k-b", b)], TimeEntryIdentity.Default, Batch(), default);
        var second = await sut.UpsertTimeEntriesAsync([new("k-a", a with { Hours = 1.2500m }), new("k-b", b)], TimeEntryIdentity.Default, Batch(), default);

        Assert.Equal((2, 0), (first.Inserted, first.Unchanged));
        Assert.Equal((0, 2), (second.Inserted, second.Unchanged));
        Assert.NotEqual(first.BatchId, second.BatchId);
        Assert.Equal([a, b], (await sut.LoadAsync(null, default)).TimeEntries);
    }

    [Fact]
    public async Task Load_UpTo_FiltersEntriesByDate()
    {
        var sut = CreateSut();
        await sut.UpsertTimeEntriesAsync([new("1", new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 1)).Build()), new("2", new HealthTimeEntryBuilder().On(new DateOnly(2026, 3, 5)).Build())], TimeEntryIdentity.Default, Batch(), default);
        await sut.AddCostEntriesAsync([("c1", new CostEntry(new DateOnly(2026, 3, 1), "PRJ-0001", "licence", 99.99m)), ("c2", new CostEntry(new DateOnly(2026, 3, 9), "PRJ-0001", "hosting", 10m))], Batch("cost-entries"), default);

        var data = await sut.LoadAsync(new DateOnly(2026, 3, 4), default);

        Assert.Single(data.TimeEntries);
        Assert.Equal(99.99m, Assert.Single(data.CostEntries).Amount);
    }

    [Fact]
    public async Task UpsertMilestones_InsertsUpdatesAndSkipsUnchanged()
    {
        var sut = CreateSut();
        var kickoff = new HealthMilestoneBuilder().WithName("Kickoff").ReachedOn(new DateOnly(2026, 3, 2)).Build();
        var design = new HealthMilestoneBuilder().WithName("Design").WithWeight(2.5m).WithPercentComplete(40m).Build();
        await sut.UpsertMilestonesAsync([kickoff, design], Batch("milestones"), default);

        var result = await sut.UpsertMilestonesAsync([kickoff, design with { PercentComplete = 60m }], Batch("milestones"), default);

        Assert.Equal((0, 1, 1), (result.Inserted, result.Updated, result.Unchanged));
        Assert.Equal(60m, (await sut.LoadAsync(null, default)).Milestones.Single(m => m.Name == "Design").PercentComplete);
    }

    [Fact]
    public async Task LoadImportBatches_RecordsEachWrite()
    {
        var sut = CreateSut();
        await sut.UpsertTimeEntriesAsync([], TimeEntryIdentity.Default, Batch(), default);

        var batch = Assert.Single(await sut.LoadImportBatchesAsync(default));

        Assert.Equal(Batch(), batch);
    }

    [Fact]
    public async Task HealthSnapshots_LatestPerProjectBeforeAsOf()
    {
        var sut = CreateSut();
        HealthSnapshot Snap(string id, int day, decimal? score) =>
            new(id, "PRJ-" + id, At.AddDays(day), At.AddDays(day), score, score is null ? Rag.Unknown : Rag.Amber, HealthTrend.Steady, 0.912m, null, 10_000.01m, "EUR", "Budget: CPI 0.91");
        await sut.SaveHealthSnapshotsAsync([Snap("a", 0, 60m), Snap("b", 0, null)], default);
        await sut.SaveHealthSnapshotsAsync([Snap("a", 1, 61.5m)], default);
        await sut.SaveHealthSnapshotsAsync([Snap("a", 2, 70m)], default);
        await sut.SaveHealthSnapshotsAsync([Snap("a", 3, 80m)], default);

        var loaded = await sut.LoadHealthSnapshotsAsync(At.AddDays(3), perProject: 2, default);

        Assert.Equal([Snap("a", 1, 61.5m), Snap("a", 2, 70m), Snap("b", 0, null)], loaded);
    }

    [Fact]
    public async Task SaveHealthSnapshots_SameRunTwice_Replaced()
    {
        var sut = CreateSut();
        var snap = new HealthSnapshot("a", "PRJ-a", At, At, 50m, Rag.Amber, HealthTrend.Unknown, null, null, null, "EUR", "x");
        await sut.SaveHealthSnapshotsAsync([snap], default);

        await sut.SaveHealthSnapshotsAsync([snap with { Score = 55m }], default);

        Assert.Equal(55m, Assert.Single(await sut.LoadHealthSnapshotsAsync(At.AddSeconds(1), 10, default)).Score);
    }

    [Fact]
    public async Task UpsertTimeEntries_SameKeyOtherValues_ReplacedAndUndoRestoresTheEarlierValues()
    {
        var sut = CreateSut();
        var four = new HealthTimeEntryBuilder().WithHours(4m).WithNotes("Discovery").Build();
        var first = await sut.UpsertTimeEntriesAsync([new("k", four)], TimeEntryIdentity.Default, Batch(), default);

        var second = await sut.UpsertTimeEntriesAsync([new("k", four with { Hours = 6m }), new("k2", four with { Notes = "Build" })], TimeEntryIdentity.Default, Batch(), default);
        var afterImport = (await sut.LoadAsync(null, default)).TimeEntries.Select(e => e.Hours).ToList();
        var undo = await sut.UndoImportBatchAsync(second.BatchId, At.AddHours(1), default);

        Assert.Equal((1, 1, 0), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal([6m, 4m], afterImport);
        Assert.Equal(new ImportUndoResult(ImportUndoOutcome.Undone, 1, 1, []), undo with { LaterBatches = [] });
        Assert.Equal([four], (await sut.LoadAsync(null, default)).TimeEntries);
        var batches = await sut.ListImportBatchesAsync(default);
        Assert.Equal([null, At.AddHours(1)], batches.Select(b => b.UndoneAt));
        Assert.Equal((first.BatchId, 1, 0), (batches[0].Id, batches[0].Added, batches[0].Replaced));
        Assert.Equal(ImportUndoOutcome.AlreadyUndone, (await sut.UndoImportBatchAsync(second.BatchId, At, default)).Outcome);
    }

    [Fact]
    public async Task UndoImportBatch_ALaterBatchChangedItsRows_RefusedNamingItAndNothingChanged()
    {
        var sut = CreateSut();
        var entry = new HealthTimeEntryBuilder().WithHours(4m).Build();
        var first = await sut.UpsertTimeEntriesAsync([new("k", entry)], TimeEntryIdentity.Default, Batch(), default);
        var second = await sut.UpsertTimeEntriesAsync([new("k", entry with { Hours = 6m })], TimeEntryIdentity.Default, Batch(), default);

        var refused = await sut.UndoImportBatchAsync(first.BatchId, At, default);

        Assert.Equal(ImportUndoOutcome.Superseded, refused.Outcome);
        Assert.Equal([second.BatchId], refused.LaterBatches);
        Assert.Equal(6m, Assert.Single((await sut.LoadAsync(null, default)).TimeEntries).Hours);
        Assert.Equal(ImportUndoOutcome.NotFound, (await sut.UndoImportBatchAsync(999, At, default)).Outcome);
        Assert.Equal(ImportUndoOutcome.Undone, (await sut.UndoImportBatchAsync(second.BatchId, At, default)).Outcome);
        Assert.Equal(ImportUndoOutcome.Undone, (await sut.UndoImportBatchAsync(first.BatchId, At, default)).Outcome);
        Assert.Empty((await sut.LoadAsync(null, default)).TimeEntries);
    }

    [Fact]
    public async Task UndoImportBatch_Milestones_RemovesAddedAndRestoresReplaced()
    {
        var sut = CreateSut();
        var design = new HealthMilestoneBuilder().WithName("Design").WithPercentComplete(40m).Build();
        await sut.UpsertMilestonesAsync([design], Batch("milestones"), default);
        var second = await sut.UpsertMilestonesAsync([design with { PercentComplete = 75m }, design with { Name = "Build" }], Batch("milestones"), default);

        var undo = await sut.UndoImportBatchAsync(second.BatchId, At, default);

        Assert.Equal((1, 1), (undo.Removed, undo.Restored));
        Assert.Equal([design], (await sut.LoadAsync(null, default)).Milestones);
    }

    [Fact]
    public async Task UpsertTimeEntries_AnotherIdentity_StoredRowsRekeyedSoTheyStillMatch()
    {
        var sut = CreateSut();
        var entry = new HealthTimeEntryBuilder().WithHours(4m).WithNotes("Discovery").Build();
        var byId = new TimeEntryIdentity([TimeEntryKeyField.Id]);
        await sut.UpsertTimeEntriesAsync([new(Key(TimeEntryIdentity.Default, entry, "T-1"), entry, "T-1")], TimeEntryIdentity.Default, Batch(), default);

        var again = await sut.UpsertTimeEntriesAsync([new(Key(byId, entry, "T-1"), entry with { Notes = "Discovery workshop" }, "T-1")], byId, Batch(), default);

        Assert.Equal((0, 1), (again.Inserted, again.Updated));
        Assert.Equal("Discovery workshop", Assert.Single((await sut.LoadAsync(null, default)).TimeEntries).Notes);
    }

    private static string Key(TimeEntryIdentity identity, TimeEntry entry, string? id) => identity.Keys([(entry, id)])[0]!;
}
