using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.Sync;

/// <summary>The partitioned listing of a large type (issue 15): list cursor and searches by id range at once.</summary>
public sealed class SyncRunnerPartitionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeCrmSource _source;
    private readonly RecordingSource _recording;
    private readonly InMemoryDeliveryStore _store = new();

    public SyncRunnerPartitionTests()
    {
        _source = new FakeCrmSource(_time);
        _recording = new RecordingSource(_source);
    }

    private static SyncOptions Options => new() { PartitionSize = 300 };

    private Task<SyncReport> RunAsync(SyncRequest? request = null, IDeliveryStore? store = null, SyncOptions? options = null) =>
        new SyncRunner(_recording, store ?? _store, TestMappings.Default, options ?? Options, _time).RunAsync(request ?? new SyncRequest(), null, CancellationToken.None);

    private async Task AssertStoreEqualsSourceAsync()
    {
        var expected = ExpectedExport.Json(ExpectedExport.From(_source, TestMappings.Default));
        Assert.Equal(expected, ExpectedExport.Json(await _store.ExportAsync(null, CancellationToken.None)));
    }

    /// <summary>
    /// The list cursor's second page of deals waits for the first search of a range of deals, so the plan is in place
    /// before the list cursor could read everything on its own: the tests are about ranges, not speed.
    /// </summary>
    private void HoldTheListUntilAPartitionIsSearched(Action? atFirstPartitionSearch = null)
    {
        _recording.HoldListOf = CrmObjectTypes.Deals;
        _recording.AtFirstRangeSearch = atFirstPartitionSearch;
    }

    [Fact]
    public async Task RunAsync_LargeType_ListAndSearchesReadDisjointRangesAndStoreEverything()
    {
        new SeedPortal().WithCompanies(3).WithDeals(3_000).WithTickets(0).WithProjects(0).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        HoldTheListUntilAPartitionIsSearched();
        var written = new ConcurrentQueue<string>();
        var store = new CrashingDeliveryStore(_store) { Committed = p => Written(p, written) };

        var report = await RunAsync(new SyncRequest(Objects: [EntityKind.Company, EntityKind.Deal]), store);

        await AssertStoreEqualsSourceAsync();
        var deals = report.Objects.Single(o => o.Kind == EntityKind.Deal);
        Assert.Equal((3_000, 3_000), (deals.Seen, deals.Created));
        Assert.Equal(_source.All(CrmObjectTypes.Deals).Select(r => r.Id).Order(), written.Order()); // each deal written once
        var listed = _recording.Listed(CrmObjectTypes.Deals);
        var searched = _recording.Searched(CrmObjectTypes.Deals);
        Assert.True(searched.Count >= 300, $"searches by id range read {searched.Count} deals");
        Assert.True(listed.Count >= 100, $"the list cursor read {listed.Count} deals");
        Assert.Equal(searched.Count, searched.Distinct().Count());
        // The list cursor reads the low ids; it stops in the page that reaches a searched range (the rest of that
        // page is left to the search): at most one page of overlap.
        Assert.InRange(listed.Intersect(searched).Count(), 0, Options.ListPageSize);
        Assert.True(listed.Min(Id) < searched.Min(Id), "the list cursor reads the low ids, searches the high ones");

        // The listing is complete and its ranges are gone; a search read part of it, so the settled cursor starts one
        // settle window before the listing did (search lags writes).
        Assert.True(deals.CursorAfter.Listed);
        Assert.Empty(deals.CursorAfter.Partitions);
        Assert.Equal(T0.AddMinutes(10) - Options.SettleWindow, deals.CursorAfter.Settled);
        Assert.Equal(T0.AddMinutes(10), deals.CursorAfter.Fast);
        Assert.Empty((await _store.GetCursorAsync(EntityKind.Deal, CancellationToken.None)).Partitions);
    }

    [Fact]
    public async Task RunAsync_SparseIdsAndEmptyRanges_EveryRecordReadExactlyOnce()
    {
        new SeedPortal().WithCompanies(2).WithDeals(0).WithTickets(0).WithProjects(0).Build(_source);
        // 600 deals with small ids, 600 with ids ten billion higher: most ranges between them hold no record.
        foreach (var id in Enumerable.Range(0, 600).Select(i => 5_000L + i).Concat(Enumerable.Range(0, 600).Select(i => 10_000_000_000L + (i * 13))))
        {
            _source.Upsert(CrmObjectTypes.Deals, id.ToString(CultureInfo.InvariantCulture), SeedPortal.Deal((int)(id % 1000)));
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        HoldTheListUntilAPartitionIsSearched();
        var written = new ConcurrentQueue<string>();
        var store = new CrashingDeliveryStore(_store) { Committed = p => Written(p, written) };

        var report = await RunAsync(new SyncRequest(Objects: [EntityKind.Company, EntityKind.Deal]), store);

        await AssertStoreEqualsSourceAsync();
        Assert.Equal(1_200, written.Count);
        Assert.Equal(1_200, written.Distinct().Count());
        var searched = _recording.Searched(CrmObjectTypes.Deals);
        Assert.NotEmpty(searched);
        Assert.Equal(searched.Count, searched.Distinct().Count());
        Assert.True(_recording.EmptySearchPages > 0, "some ranges hold no record");
        Assert.Equal(1_200, report.Objects.Single(o => o.Kind == EntityKind.Deal).Created);
    }

    [Fact]
    public async Task RunAsync_CrashEveryFewCommitsOfAPartitionedFirstSync_ResumesEveryRangeAndConverges()
    {
        new SeedPortal().WithCompanies(5).WithDeals(2_000).WithTickets(0).WithProjects(0).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        HoldTheListUntilAPartitionIsSearched();
        var crashing = new CrashingDeliveryStore(_store) { Kind = EntityKind.Deal };
        var crashes = 0;
        var resumedWithRanges = 0;
        var storedBefore = 0;
        IReadOnlyList<SyncPartition> rangesBefore = [];
        while (true)
        {
            // The deals' readers commit at once: the others may commit a page or two more before the crash stops them.
            crashing.CrashAtCommit = crashing.Commits + 4;
            try
            {
                // Small list pages: many commits, so many crashes.
                await RunAsync(store: crashing, options: new SyncOptions { PartitionSize = 300, ListPageSize = 20 });
                break;
            }
            catch (SimulatedCrashException)
            {
                crashes++;
                var ranges = (await _store.GetCursorAsync(EntityKind.Deal, CancellationToken.None)).Partitions;
                resumedWithRanges += ranges.Count > 0 ? 1 : 0;
                var stored = (await _store.GetRecordsAsync(EntityKind.Deal, null, CancellationToken.None)).Count;

                // Resumed, not restarted: the stored deals never go back, and no range moves back, changes its reader
                // or becomes undone (the plan stays until the listing completes).
                Assert.True(stored >= storedBefore, $"deals stored went back from {storedBefore} to {stored}");
                if (rangesBefore.Count > 0 && ranges.Count > 0)
                {
                    Assert.Equal(rangesBefore.Select(r => (r.Index, r.After, r.UpTo)), ranges.Select(r => (r.Index, r.After, r.UpTo)));
                    foreach (var (was, now) in rangesBefore.Zip(ranges))
                    {
                        Assert.True(now.Done || !was.Done, $"range {now.Index} became undone");
                        Assert.True(was.Reader == SyncPartitionReader.Pending || now.Reader == was.Reader, $"range {now.Index} changed reader");
                        Assert.True((now.Position ?? long.MinValue) >= (was.Position ?? long.MinValue), $"range {now.Index} moved back");
                    }
                }

                storedBefore = stored;
                rangesBefore = ranges;
            }
        }

        Assert.True(crashes >= 3, $"only {crashes} crashes");
        Assert.True(resumedWithRanges >= 1, "some crash should land while the deals' ranges are being read");
        await AssertStoreEqualsSourceAsync();
        var deals = await _store.GetCursorAsync(EntityKind.Deal, CancellationToken.None);
        Assert.True(deals.Listed && !deals.ListInProgress);
        Assert.Empty(deals.Partitions);
    }

    /// <summary>
    /// Search lags writes (API-FACTS §6). A deal updated two minutes before the sync and another updated during it, both
    /// in the range a search reads, show their old values to that search (the index lags 5 minutes); a deal created
    /// during the sync above every id is not shown at all. The incremental cursors bring all three: the fast pass what
    /// changed after the listing started, the settle pass — which starts one settle window before the listing because a
    /// search read part of it — the one changed before.
    /// </summary>
    [Fact]
    public async Task RunAsync_WritesDuringAPartitionedSyncUnderIndexLag_ArriveThroughTheIncrementalCursors()
    {
        var ids = new SeedPortal().WithCompanies(3).WithDeals(2_000).WithTickets(0).WithProjects(0).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        _source.IndexLag = TimeSpan.FromMinutes(5);
        var before = ids.Deals[^1];
        _source.Upsert(CrmObjectTypes.Deals, before, new Dictionary<string, string?> { ["amount"] = "111.00" }, at: _time.GetUtcNow() - TimeSpan.FromMinutes(2));
        var during = ids.Deals[^2];
        var created = _source.NewId();
        HoldTheListUntilAPartitionIsSearched(() =>
        {
            _source.Upsert(CrmObjectTypes.Deals, during, new Dictionary<string, string?> { ["amount"] = "222.00" });
            _source.Upsert(CrmObjectTypes.Deals, created, SeedPortal.Deal(7));
        });

        await RunAsync(new SyncRequest(Objects: [EntityKind.Company, EntityKind.Deal]));

        // The search ranges missed them: the store is behind HubSpot.
        var stored = (await _store.GetRecordsAsync(EntityKind.Deal, null, CancellationToken.None)).ToDictionary(r => r.Id);
        Assert.Contains(before, _recording.Searched(CrmObjectTypes.Deals));
        Assert.NotEqual("111.00", stored[before].Properties["amount"]);
        Assert.NotEqual("222.00", stored[during].Properties["amount"]);
        Assert.False(stored.ContainsKey(created));

        _time.Advance(TimeSpan.FromMinutes(6));
        await RunAsync(new SyncRequest(Objects: [EntityKind.Company, EntityKind.Deal]));
        stored = (await _store.GetRecordsAsync(EntityKind.Deal, null, CancellationToken.None)).ToDictionary(r => r.Id);
        Assert.Equal("222.00", stored[during].Properties["amount"]);
        Assert.True(stored.ContainsKey(created));
        Assert.NotEqual("111.00", stored[before].Properties["amount"]); // before the fast pass's start: the settle pass's

        _time.Advance(Options.SettleWindow);
        await RunAsync(new SyncRequest(Objects: [EntityKind.Company, EntityKind.Deal]));
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_PartitionSizeZero_ListsWithOneCursorOnly()
    {
        new SeedPortal().WithCompanies(3).WithDeals(1_000).WithTickets(0).WithProjects(0).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));

        var report = await new SyncRunner(_recording, _store, TestMappings.Default, new SyncOptions { PartitionSize = 0 }, _time)
            .RunAsync(new SyncRequest(Objects: [EntityKind.Deal]), null, CancellationToken.None);

        Assert.Empty(_recording.Searched(CrmObjectTypes.Deals));
        Assert.Equal(1_000, _recording.Listed(CrmObjectTypes.Deals).Count);
        Assert.Equal(T0.AddMinutes(10), report.Objects[0].CursorAfter.Settled);
    }

    [Fact]
    public void Constructor_NegativePartitionSize_NamesTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new SyncRunner(_source, _store, TestMappings.Default, new SyncOptions { PartitionSize = -1 }, _time));

        Assert.Contains("Sync:PartitionSize", error.Message, StringComparison.Ordinal);
    }

    private static long Id(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static void Written(PageCommit page, ConcurrentQueue<string> written)
    {
        if (page.Kind == EntityKind.Deal)
        {
            foreach (var write in page.Records)
            {
                written.Enqueue(write.Ledger.Id);
            }
        }
    }

    /// <summary>Passes every call to the fake and records the ids each listing (not archived) and each id-range search returned.</summary>
    private sealed class RecordingSource(FakeCrmSource inner) : ICrmSource
    {
        private readonly ConcurrentQueue<(string Type, string Id)> _listed = new();
        private readonly ConcurrentQueue<(string Type, string Id)> _searched = new();
        private readonly TaskCompletionSource _rangeSearched = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _emptySearchPages;

        public int EmptySearchPages => _emptySearchPages;

        /// <summary>The type whose listing waits after its first page until a range of it is searched (once).</summary>
        public string? HoldListOf { get; set; }

        /// <summary>Runs as the first search of a range of <see cref="HoldListOf"/> starts.</summary>
        public Action? AtFirstRangeSearch { get; set; }

        public List<string> Listed(string type) => _listed.Where(x => x.Type == type).Select(x => x.Id).ToList();

        public List<string> Searched(string type) => _searched.Where(x => x.Type == type).Select(x => x.Id).ToList();

        public async IAsyncEnumerable<CrmPage> ListAsync(
            string objectType, IReadOnlyCollection<string> properties, CrmListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var pages = 0;
            await foreach (var page in inner.ListAsync(objectType, properties, options, cancellationToken))
            {
                if (!options.Archived)
                {
                    foreach (var r in page.Records)
                    {
                        _listed.Enqueue((objectType, r.Id));
                    }
                }

                yield return page;
                if (++pages == 1 && !options.Archived && objectType == HoldListOf)
                {
                    await _rangeSearched.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                }
            }
        }

        public async IAsyncEnumerable<CrmPage> SearchIdsAsync(
            string objectType, CrmIdWindow window, IReadOnlyCollection<string> properties, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (objectType == HoldListOf && !_rangeSearched.Task.IsCompleted)
            {
                AtFirstRangeSearch?.Invoke();
                _rangeSearched.TrySetResult();
            }

            await foreach (var page in inner.SearchIdsAsync(objectType, window, properties, cancellationToken))
            {
                if (page.Records.Count == 0)
                {
                    Interlocked.Increment(ref _emptySearchPages);
                }

                foreach (var r in page.Records)
                {
                    _searched.Enqueue((objectType, r.Id));
                }

                yield return page;
            }
        }

        public IAsyncEnumerable<CrmPage> SearchModifiedAsync(
            string objectType, CrmModifiedWindow window, IReadOnlyCollection<string> properties, CancellationToken cancellationToken) =>
            inner.SearchModifiedAsync(objectType, window, properties, cancellationToken);

        public Task<CrmIdExtent?> SearchIdExtentAsync(string objectType, CancellationToken cancellationToken) => inner.SearchIdExtentAsync(objectType, cancellationToken);

        public Task<CrmBatchReadResult> BatchReadAsync(
            string objectType, IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken) =>
            inner.BatchReadAsync(objectType, ids, properties, cancellationToken);

        public Task<IReadOnlyList<CrmAssociationLink>> ReadAssociationsAsync(
            string fromType, string toType, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken) =>
            inner.ReadAssociationsAsync(fromType, toType, fromIds, cancellationToken);

        public Task<IReadOnlyList<CrmPropertyDefinition>> GetPropertiesAsync(string objectType, CancellationToken cancellationToken) =>
            inner.GetPropertiesAsync(objectType, cancellationToken);

        public Task<IReadOnlyList<CrmPropertyDefinition>> GetArchivedPropertiesAsync(string objectType, CancellationToken cancellationToken) =>
            inner.GetArchivedPropertiesAsync(objectType, cancellationToken);

        public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(string objectType, CancellationToken cancellationToken) =>
            inner.GetPipelinesAsync(objectType, cancellationToken);

        public Task<IReadOnlyList<CrmObjectSchema>> GetSchemasAsync(CancellationToken cancellationToken) => inner.GetSchemasAsync(cancellationToken);
    }
}
