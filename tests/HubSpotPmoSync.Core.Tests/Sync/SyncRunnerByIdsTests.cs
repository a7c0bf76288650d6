using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.Sync;

/// <summary><see cref="SyncRunner.IngestByIdsAsync"/>: the webhook path's re-read by id, through the sync's own mapping, ledger and links.</summary>
public sealed class SyncRunnerByIdsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeCrmSource _source;
    private readonly RecordingStore _store = new(new InMemoryDeliveryStore());

    public SyncRunnerByIdsTests() => _source = new FakeCrmSource(_time);

    private SyncRunner CreateSut() => new(_source, _store, TestMappings.Default, new SyncOptions(), _time);

    [Fact]
    public async Task IngestByIdsAsync_ChangedRecordLinkAndArchive_StoredAsASyncWould_CursorsUnmoved()
    {
        var ids = new SeedPortal().WithCompanies(3).WithDeals(5).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        var sut = CreateSut();
        await sut.RunAsync(new SyncRequest(), null, CancellationToken.None);
        var cursor = await _store.GetCursorAsync(EntityKind.Deal, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[0], new Dictionary<string, string?> { ["dealname"] = "Renamed" });
        var newCompany = _source.NewId();
        _source.Upsert(CrmObjectTypes.Companies, newCompany, new Dictionary<string, string?> { ["name"] = "New Co" });
        _source.Associate(CrmObjectTypes.Deals, ids.Deals[1], CrmObjectTypes.Companies, newCompany, 341, 342);
        _source.Archive(CrmObjectTypes.Deals, ids.Deals[2]);

        var report = await sut.IngestByIdsAsync(
            new Dictionary<EntityKind, IReadOnlyCollection<string>>
            {
                [EntityKind.Deal] = [ids.Deals[0], ids.Deals[1], ids.Deals[2]],
                [EntityKind.Company] = [newCompany],
            },
            [41, 42],
            CancellationToken.None);

        var deals = (await _store.GetRecordsAsync(EntityKind.Deal, [ids.Deals[0], ids.Deals[2]], CancellationToken.None)).ToDictionary(r => r.Id);
        Assert.Equal("Renamed", deals[ids.Deals[0]].Properties["dealname"]);
        Assert.True(deals[ids.Deals[2]].Archived);
        Assert.Contains((await _store.GetLinksAsync(EntityKind.Deal, EntityKind.Company, [ids.Deals[1]], CancellationToken.None))[ids.Deals[1]], l => l.ToId == newCompany);
        Assert.Single(await _store.GetRecordsAsync(EntityKind.Company, [newCompany], CancellationToken.None));
        Assert.Equal(cursor, await _store.GetCursorAsync(EntityKind.Deal, CancellationToken.None));
        Assert.Equal(1, report.Objects.Single(o => o.Kind == EntityKind.Deal).Archived);
        Assert.Equal([41L, 42L], _store.Commits[^1].InboxEvents);
        Assert.All(_store.Commits.SkipLast(1), c => Assert.Empty(c.InboxEvents));
        Assert.Equal(EntityKind.Deal, _store.Commits[^1].Kind);
    }

    [Fact]
    public async Task IngestByIdsAsync_NothingToRead_StillSettlesTheEventsInOneCommit()
    {
        var sut = CreateSut();

        await sut.IngestByIdsAsync(new Dictionary<EntityKind, IReadOnlyCollection<string>>(), [7], CancellationToken.None);

        var commit = Assert.Single(_store.Commits);
        Assert.Equal([7L], commit.InboxEvents);
        Assert.Empty(commit.Records);
    }

    [Fact]
    public async Task IngestByIdsAsync_UnknownOrNeverStoredMissingId_NothingWritten()
    {
        var sut = CreateSut();

        var report = await sut.IngestByIdsAsync(new Dictionary<EntityKind, IReadOnlyCollection<string>> { [EntityKind.Deal] = ["999"] }, [], CancellationToken.None);

        Assert.Empty(_store.Commits.SelectMany(c => c.Records));
        Assert.Equal(0, report.Objects.Single().Seen);
    }

    /// <summary>The in-memory store, remembering each commit.</summary>
    private sealed class RecordingStore(InMemoryDeliveryStore inner) : IDeliveryStore
    {
        public List<PageCommit> Commits { get; } = [];

        public Task CommitPageAsync(PageCommit page, CancellationToken cancellationToken)
        {
            Commits.Add(page);
            return inner.CommitPageAsync(page, cancellationToken);
        }

        public Task<SyncCursorState> GetCursorAsync(EntityKind kind, CancellationToken cancellationToken) => inner.GetCursorAsync(kind, cancellationToken);

        public Task<IReadOnlyDictionary<string, StoredState>> GetStatesAsync(EntityKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            inner.GetStatesAsync(kind, ids, cancellationToken);

        public Task<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>> GetLinksAsync(EntityKind from, EntityKind to, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken) =>
            inner.GetLinksAsync(from, to, fromIds, cancellationToken);

        public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetLinkedFromIdsAsync(EntityKind from, EntityKind to, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken) =>
            inner.GetLinkedFromIdsAsync(from, to, toIds, cancellationToken);

        public Task SaveCursorAsync(SyncCursorState cursor, CancellationToken cancellationToken) => inner.SaveCursorAsync(cursor, cancellationToken);

        public Task SavePipelinesAsync(EntityKind kind, IReadOnlyList<CrmPipeline> pipelines, CancellationToken cancellationToken) => inner.SavePipelinesAsync(kind, pipelines, cancellationToken);

        public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(EntityKind kind, CancellationToken cancellationToken) => inner.GetPipelinesAsync(kind, cancellationToken);

        public Task<LedgerEntry?> GetLedgerEntryAsync(EntityKind kind, string id, CancellationToken cancellationToken) => inner.GetLedgerEntryAsync(kind, id, cancellationToken);

        public Task<IReadOnlyList<StoredRecord>> GetRecordsAsync(EntityKind kind, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken) =>
            inner.GetRecordsAsync(kind, ids, cancellationToken);

        public Task<long> StartRunAsync(string kind, DateTimeOffset startedAt, CancellationToken cancellationToken) => inner.StartRunAsync(kind, startedAt, cancellationToken);

        public Task FinishRunAsync(long runId, DateTimeOffset finishedAt, string outcome, string summary, CancellationToken cancellationToken) =>
            inner.FinishRunAsync(runId, finishedAt, outcome, summary, cancellationToken);

        public Task<DeliveryModelSnapshot> LoadModelAsync(CancellationToken cancellationToken) => inner.LoadModelAsync(cancellationToken);

        public Task<DeliveryExport> ExportAsync(IReadOnlyCollection<EntityKind>? kinds, CancellationToken cancellationToken) => inner.ExportAsync(kinds, cancellationToken);

        public Task<SyncStatus> GetStatusAsync(int lastRuns, CancellationToken cancellationToken) => inner.GetStatusAsync(lastRuns, cancellationToken);
    }
}
