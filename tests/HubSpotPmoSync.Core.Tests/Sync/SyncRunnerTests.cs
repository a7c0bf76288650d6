using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.Sync;

public sealed class SyncRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeCrmSource _source;
    private readonly InMemoryDeliveryStore _store = new();

    public SyncRunnerTests() => _source = new FakeCrmSource(_time);

    private SyncRunner CreateSut(IDeliveryStore? store = null, MappingSet? mappings = null, SyncOptions? options = null) =>
        new(_source, store ?? _store, mappings ?? TestMappings.Default, options ?? new SyncOptions(), _time);

    private async Task<SyncReport> RunAsync(SyncRequest? request = null, IDeliveryStore? store = null, MappingSet? mappings = null, SyncOptions? options = null) =>
        await CreateSut(store, mappings, options).RunAsync(request ?? new SyncRequest(), null, CancellationToken.None);

    private async Task AssertStoreEqualsSourceAsync(IDeliveryStore? store = null, MappingSet? mappings = null)
    {
        var expected = ExpectedExport.Json(ExpectedExport.From(_source, mappings ?? TestMappings.Default));
        var actual = ExpectedExport.Json(await (store ?? _store).ExportAsync(null, CancellationToken.None));
        Assert.Equal(expected, actual);
    }

    private SeedIds Seed(SeedPortal? portal = null)
    {
        var ids = (portal ?? new SeedPortal()).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        return ids;
    }

    private static ObjectSyncReport Of(SyncReport report, EntityKind kind) => report.Objects.Single(o => o.Kind == kind);

    [Fact]
    public async Task RunAsync_FirstSync_StoresEveryRecordAndLinkExactly()
    {
        var ids = Seed(new SeedPortal().WithCompanies(7).WithDeals(250).WithTickets(130).WithProjects(12));

        var report = await RunAsync();

        await AssertStoreEqualsSourceAsync();
        Assert.Equal(250, Of(report, EntityKind.Deal).Created);
        Assert.Equal(3 + 1, Of(report, EntityKind.Deal).Pages); // 3 list pages and the (empty) page of the archived sweep
        Assert.Equal(7 + 250 + 130 + 12, report.Created);
        Assert.Equal(0, report.Updated + report.Failing + report.Excluded);
        var cursor = Of(report, EntityKind.Deal).CursorAfter;
        Assert.True(cursor.Listed);
        Assert.False(cursor.ListInProgress || cursor.ArchivedSweepInProgress);
        Assert.Equal(T0.AddMinutes(10), cursor.Settled);
        var model = await _store.LoadModelAsync(CancellationToken.None);
        Assert.Equal(ids.Deals.Count, model.Deals.Count);
        Assert.Equal(125, model.Deals.Count(d => d.IsClosedWon));
        var primary = model.Links.First(l => l.From == EntityKind.Deal && l.To == EntityKind.Company && l.Kinds.Count == 2);
        Assert.Equal([new AssociationKind("HUBSPOT_DEFINED", 5, "Primary"), new AssociationKind("HUBSPOT_DEFINED", 341, null)], primary.Kinds);
    }

    [Fact]
    public async Task RunAsync_NoChangesSinceLastRun_WritesNothingAndCallsSearchOncePerObject()
    {
        Seed();
        await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        _source.ResetCalls();

        var report = await RunAsync();

        Assert.Equal(0, report.Seen);
        Assert.Equal(new Dictionary<string, int> { ["search"] = 4 }, _source.Calls);
        Assert.Equal(4, report.Calls);
    }

    /// <summary>
    /// Issue 17: a full reconcile lists every record, then its fast pass reads again those modified since the last
    /// cycle (in the demo, every company the last push wrote to). Each record counts once: seen is the number of
    /// records, and one changed since the last cycle is updated, not also unchanged.
    /// </summary>
    [Fact]
    public async Task RunAsync_FullAfterEveryRecordChanged_CountsEachRecordOnce()
    {
        var ids = Seed(new SeedPortal().WithCompanies(30).WithDeals(0).WithTickets(0).WithProjects(0));
        await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        foreach (var id in ids.Companies)
        {
            _source.Upsert(CrmObjectTypes.Companies, id, new Dictionary<string, string?> { ["domain"] = $"renamed-{id}.example" });
        }

        _time.Advance(TimeSpan.FromSeconds(30));

        var full = await RunAsync(new SyncRequest(Full: true));

        var companies = Of(full, EntityKind.Company);
        Assert.Equal((30, 30, 0), (companies.Seen, companies.Updated, companies.Unchanged));
        Assert.Equal(new Dictionary<string, long> { ["domain"] = 30 }, companies.FieldChanges);
        Assert.Equal(30, full.Seen);
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_RecordUpdated_IncrementalStoresItAndReportsTheFields()
    {
        var ids = Seed();
        await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[1], new Dictionary<string, string?> { ["amount"] = "99.95", ["dealstage"] = "closedwon" });
        _time.Advance(TimeSpan.FromSeconds(30));

        var report = await RunAsync();

        var deals = Of(report, EntityKind.Deal);
        Assert.Equal((1, 1, 0), (deals.Seen, deals.Updated, deals.Created));
        Assert.Equal(new Dictionary<string, long> { ["amount"] = 1, ["dealstage"] = 1 }, deals.FieldChanges);
        await AssertStoreEqualsSourceAsync();
        var deal = (await _store.LoadModelAsync(CancellationToken.None)).Deals.Single(d => d.Id == ids.Deals[1]);
        Assert.Equal((99.95m, true), (deal.Amount, deal.IsClosedWon));
    }

    [Fact]
    public async Task RunAsync_ChangeIndexedLate_SettlePassStoresIt()
    {
        var ids = Seed();
        await RunAsync();
        var lateAt = _time.GetUtcNow();
        _source.Upsert(CrmObjectTypes.Tickets, ids.Tickets[0], new Dictionary<string, string?> { ["subject"] = "late" }, indexDelay: TimeSpan.FromMinutes(30));
        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Upsert(CrmObjectTypes.Tickets, ids.Tickets[1], new Dictionary<string, string?> { ["subject"] = "prompt" });
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(34));

        var beforeSettle = await RunAsync();

        Assert.Equal(0, Of(beforeSettle, EntityKind.Ticket).Updated);
        Assert.Equal("Bug report 0: “checkout” fails", (await _store.GetRecordsAsync(EntityKind.Ticket, [ids.Tickets[0]], CancellationToken.None))[0].Properties["subject"]);
        _time.Advance(TimeSpan.FromMinutes(30));

        var settled = await RunAsync();

        Assert.Equal(1, Of(settled, EntityKind.Ticket).Updated);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromHours(1), Of(settled, EntityKind.Ticket).CursorAfter.Settled);
        Assert.True(Of(settled, EntityKind.Ticket).CursorAfter.Settled > lateAt);
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_ArchivedThenRestored_FullReconcileArchivesAndIncrementalRestores()
    {
        var ids = Seed();
        await RunAsync();
        _source.Archive(CrmObjectTypes.Deals, ids.Deals[0]);
        _time.Advance(TimeSpan.FromMinutes(5));

        var incremental = await RunAsync();
        Assert.Equal(0, incremental.Archived);

        var full = await RunAsync(new SyncRequest(Full: true));

        Assert.Equal(1, Of(full, EntityKind.Deal).Archived);
        var stored = (await _store.GetRecordsAsync(EntityKind.Deal, [ids.Deals[0]], CancellationToken.None)).Single();
        Assert.True(stored.Archived);
        Assert.Equal(T0.AddMinutes(10), stored.ArchivedAt);
        Assert.Equal("Website rebuild 0", stored.Properties["dealname"]);
        Assert.True((await _store.LoadModelAsync(CancellationToken.None)).Deals.Single(d => d.Id == ids.Deals[0]).Archived);
        await AssertStoreEqualsSourceAsync();

        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Restore(CrmObjectTypes.Deals, ids.Deals[0]);
        _time.Advance(TimeSpan.FromSeconds(10));
        var restored = await RunAsync();

        Assert.Equal(1, Of(restored, EntityKind.Deal).Restored);
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_SweepArchivedEveryRun_IncrementalMarksArchives()
    {
        var ids = Seed();
        var options = new SyncOptions { SweepArchivedEveryRun = true };
        await RunAsync(options: options);
        _source.Archive(CrmObjectTypes.Tickets, ids.Tickets[3]);
        _time.Advance(TimeSpan.FromMinutes(5));

        var report = await RunAsync(options: options);

        Assert.Equal(1, Of(report, EntityKind.Ticket).Archived);
        Assert.False(Of(report, EntityKind.Ticket).CursorAfter.ArchivedSweepInProgress);
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_RecordArchivedBeforeFirstSync_IsStoredAsArchived()
    {
        var ids = Seed();
        _source.Archive(CrmObjectTypes.Companies, ids.Companies[2]);

        var report = await RunAsync();

        Assert.Equal((3, 1), (Of(report, EntityKind.Company).Created, Of(report, EntityKind.Company).Archived));
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_ValueFailsItsTransform_MarksItFailingAndTheRestFlow()
    {
        var ids = Seed();
        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[2], new Dictionary<string, string?> { ["amount"] = "12k" }, T0);

        var report = await RunAsync();

        var deals = Of(report, EntityKind.Deal);
        Assert.Equal((4, 1), (deals.Created, deals.Failing));
        var issue = Assert.Single(deals.Issues);
        Assert.Equal(new RecordIssue(ids.Deals[2], LedgerStatus.Failing, "amount → amount (money): '12k' is not a number"), issue);
        var ledger = await _store.GetLedgerEntryAsync(EntityKind.Deal, ids.Deals[2], CancellationToken.None);
        Assert.Equal((LedgerStatus.Failing, issue.Reason), (ledger!.Status, ledger.Reason));
        var model = await _store.LoadModelAsync(CancellationToken.None);
        Assert.DoesNotContain(model.Deals, d => d.Id == ids.Deals[2]);
        Assert.Equal(3, model.Deals.Count);
        await AssertStoreEqualsSourceAsync();

        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[2], new Dictionary<string, string?> { ["amount"] = "12000" });
        _time.Advance(TimeSpan.FromSeconds(1));
        await RunAsync();

        Assert.Equal(LedgerStatus.InSync, (await _store.GetLedgerEntryAsync(EntityKind.Deal, ids.Deals[2], CancellationToken.None))!.Status);
        Assert.Equal(4, (await _store.LoadModelAsync(CancellationToken.None)).Deals.Count);
    }

    [Fact]
    public async Task RunAsync_FilteredPipeline_ExcludesAndReadmitsRecords()
    {
        var json = File.ReadAllText(TestMappings.DefaultPath).Replace(
            "\"filters\": [],\n      \"fields\": [\n        {\"hubspot\": \"dealname\"",
            "\"filters\": [{\"property\": \"pipeline\", \"in\": [\"default\"]}],\n      \"fields\": [\n        {\"hubspot\": \"dealname\"",
            StringComparison.Ordinal);
        var mappings = TestMappings.Parse(json);
        Assert.Single(mappings.For(EntityKind.Deal)!.Filters);
        var ids = Seed();
        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[3], new Dictionary<string, string?> { ["pipeline"] = "partners" }, T0);

        var report = await RunAsync(mappings: mappings);

        Assert.Equal((3, 1), (Of(report, EntityKind.Deal).Created, Of(report, EntityKind.Deal).Excluded));
        var status = await _store.GetStatusAsync(5, CancellationToken.None);
        var reason = Assert.Single(status.Objects.Single(o => o.Kind == EntityKind.Deal).Reasons);
        Assert.Equal((LedgerStatus.Excluded, "filter: pipeline is 'partners', not one of default", 1L), (reason.Status, reason.Reason, reason.Count));
        Assert.Equal([ids.Deals[3]], reason.ExampleIds);
        await AssertStoreEqualsSourceAsync(mappings: mappings);

        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[3], new Dictionary<string, string?> { ["pipeline"] = "default" });
        _time.Advance(TimeSpan.FromSeconds(1));
        var readmitted = await RunAsync(mappings: mappings);

        Assert.Equal(1, Of(readmitted, EntityKind.Deal).Created);
        await AssertStoreEqualsSourceAsync(mappings: mappings);
    }

    [Fact]
    public async Task RunAsync_DryRun_ReportsThePlanAndWritesNothing()
    {
        var ids = Seed();
        var store = new InMemoryDeliveryStore();

        var plan = await RunAsync(new SyncRequest(DryRun: true), store);

        Assert.True(plan.DryRun);
        Assert.Equal(3 + 4 + 5 + 2, plan.Created);
        Assert.False(store.HasWritten);
        Assert.False((await store.GetStatusAsync(1, CancellationToken.None)).DatabaseExists);

        await RunAsync(store: store);
        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Upsert(CrmObjectTypes.Projects, ids.Projects[0], new Dictionary<string, string?> { ["project_budget"] = "50000" });
        _time.Advance(TimeSpan.FromSeconds(1));
        var before = ExpectedExport.Json(await store.ExportAsync(null, CancellationToken.None));

        var update = await RunAsync(new SyncRequest(DryRun: true), store);

        Assert.Equal(1, Of(update, EntityKind.Project).Updated);
        Assert.Equal(new Dictionary<string, long> { ["project_budget"] = 1 }, Of(update, EntityKind.Project).FieldChanges);
        Assert.Equal(before, ExpectedExport.Json(await store.ExportAsync(null, CancellationToken.None)));
        Assert.Equal(Of(update, EntityKind.Project).CursorBefore, await store.GetCursorAsync(EntityKind.Project, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_CrashMidFirstSync_ResumesAfterTheLastCommittedPageWithoutLossOrDuplicates()
    {
        Seed(new SeedPortal().WithCompanies(5).WithDeals(1000).WithTickets(0).WithProjects(0));
        // the deals' list pages: the 4th fails (the types run at once: only deals' commits count)
        var crashing = new CrashingDeliveryStore(_store) { Kind = EntityKind.Deal, CrashAtCommit = 4 };

        await Assert.ThrowsAsync<SimulatedCrashException>(() => RunAsync(store: crashing));

        var cursor = await _store.GetCursorAsync(EntityKind.Deal, CancellationToken.None);
        Assert.True(cursor.ListInProgress);
        Assert.Equal(300, (await _store.GetRecordsAsync(EntityKind.Deal, null, CancellationToken.None)).Count);
        _time.Advance(TimeSpan.FromMinutes(1));

        crashing.CrashAtCommit = 0; // a new process, which does not crash
        var resumed = await RunAsync(store: crashing);

        var deals = Of(resumed, EntityKind.Deal);
        Assert.Equal((700, 0), (deals.Created, deals.Updated));
        Assert.Equal(cursor.ListStartedAt, deals.CursorAfter.Settled);
        await AssertStoreEqualsSourceAsync();
        var status = await _store.GetStatusAsync(5, CancellationToken.None);
        Assert.Equal(["succeeded", "failed"], status.LastRuns.Select(r => r.Outcome));
        Assert.Equal(1000, status.Objects.Single(o => o.Kind == EntityKind.Deal).LedgerCounts[LedgerStatus.InSync]);
    }

    [Fact]
    public async Task RunAsync_CrashAtEveryPageOfAFirstSync_AlwaysConverges()
    {
        Seed(new SeedPortal().WithCompanies(30).WithDeals(120).WithTickets(90).WithProjects(20));
        var crashing = new CrashingDeliveryStore(_store);
        var crashes = 0;
        for (var at = 2; ; at += 3)
        {
            crashing.CrashAtCommit = at;
            try
            {
                await RunAsync(store: crashing);
                break;
            }
            catch (SimulatedCrashException)
            {
                crashes++;
            }
        }

        Assert.True(crashes >= 3, $"only {crashes} crashes");
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_25kDealsModifiedInOneMillisecond_AllArriveThroughTheCappedSearch()
    {
        Seed(new SeedPortal().WithCompanies(0).WithDeals(0).WithTickets(0).WithProjects(0));
        await RunAsync(new SyncRequest(Objects: [EntityKind.Deal]));
        _time.Advance(TimeSpan.FromMinutes(5));
        var sameMillisecond = _time.GetUtcNow();
        for (var i = 0; i < 25_000; i++)
        {
            _source.Upsert(CrmObjectTypes.Deals, _source.NewId(), SeedPortal.Deal(i), sameMillisecond);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        _source.ResetCalls();

        var report = await RunAsync(new SyncRequest(Objects: [EntityKind.Deal]));

        Assert.Equal((25_000, 25_000), (Of(report, EntityKind.Deal).Seen, Of(report, EntityKind.Deal).Created));
        Assert.Equal(25_000, (await _store.GetRecordsAsync(EntityKind.Deal, null, CancellationToken.None)).Count);
        Assert.True(_source.Calls["search"] > 125, "the search must have been split past the 10k cap");
        Assert.Throws<CrmException>(() => _source.RawSearch(CrmObjectTypes.Deals, [], new FakeCrmSource.SearchQuery(sameMillisecond, null, null, null), 10_000));
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_LinkRemovedWhileOnlyTheOtherSideChanged_IncrementalRemovesIt()
    {
        var ids = Seed();
        await RunAsync();
        var deal = ids.Deals[0];
        var ticket = ids.Tickets[0];
        Assert.Contains(_source.AllLinks(CrmObjectTypes.Deals, CrmObjectTypes.Tickets), l => l.FromId == deal && l.ToId == ticket);
        _time.Advance(TimeSpan.FromMinutes(5));
        _source.Unassociate(CrmObjectTypes.Deals, deal, CrmObjectTypes.Tickets, ticket);
        _source.Upsert(CrmObjectTypes.Tickets, ticket, new Dictionary<string, string?> { ["hs_pipeline_stage"] = "2" });
        var newCompany = _source.NewId();
        _source.Upsert(CrmObjectTypes.Companies, newCompany, SeedPortal.Company(99));
        _source.Associate(CrmObjectTypes.Deals, ids.Deals[1], CrmObjectTypes.Companies, newCompany, 341, 342);
        _time.Advance(TimeSpan.FromSeconds(5));

        var report = await RunAsync();

        Assert.Equal(2, report.LinksChanged);
        await AssertStoreEqualsSourceAsync();
    }

    [Fact]
    public async Task RunAsync_FirstSync_ReadsLinksInBatchesOfAThousandRecords()
    {
        Seed(new SeedPortal().WithCompanies(3).WithDeals(2500).WithTickets(0).WithProjects(0));

        var report = await RunAsync(new SyncRequest(Objects: [EntityKind.Deal]), options: new SyncOptions { PartitionSize = 0 });

        // deal → company and deal → ticket, for 3 batches of at most 1,000 deals; 25 list pages and the archived
        // sweep; the stage metadata; the fast pass after the listing
        Assert.Equal(new Dictionary<string, int> { ["list"] = 25 + 1, ["associations"] = 2 * 3, ["pipelines"] = 1, ["search"] = 1 }, _source.Calls);
        Assert.Equal(_source.TotalCalls, Of(report, EntityKind.Deal).Calls);
    }

    [Fact]
    public async Task RunAsync_ObjectsSubset_SyncsOnlyThose()
    {
        Seed();

        var report = await RunAsync(new SyncRequest(Objects: [EntityKind.Project, EntityKind.Company]));

        Assert.Equal([EntityKind.Company, EntityKind.Project], report.Objects.Select(o => o.Kind));
        Assert.Empty(await _store.GetRecordsAsync(EntityKind.Deal, null, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_UnmappedObject_ThrowsBeforeAnyCall()
    {
        var mappings = TestMappings.Parse(DealsOnly());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(new SyncRequest(Objects: [EntityKind.Ticket]), mappings: mappings));

        Assert.Contains("not mapped in test-mappings.json: tickets", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _source.TotalCalls);
        Assert.False(_store.HasWritten);
    }

    [Fact]
    public async Task RunAsync_SourceFails_LogsTheRunAsFailedAndKeepsCommittedPages()
    {
        Seed(new SeedPortal().WithDeals(300));
        var lists = 0;
        _source.BeforeCall = call =>
        {
            if (call == "list" && ++lists == 3)
            {
                throw new CrmException("503 after retries", 503, null);
            }
        };

        await Assert.ThrowsAsync<CrmException>(() => RunAsync(new SyncRequest(Objects: [EntityKind.Deal])));

        var status = await _store.GetStatusAsync(1, CancellationToken.None);
        Assert.Equal("failed", status.LastRuns[0].Outcome);
        Assert.Equal("CrmException: 503 after retries", status.LastRuns[0].Summary);
        Assert.Equal(200, status.Objects.Single(o => o.Kind == EntityKind.Deal).Records);
    }

    [Fact]
    public async Task RunAsync_Progress_ReportsEveryPageAndTheEnd()
    {
        Seed();
        var seen = new List<SyncProgress>();

        await CreateSut().RunAsync(new SyncRequest(Objects: [EntityKind.Deal]), new SynchronousProgress(seen.Add), CancellationToken.None);

        Assert.Equal([SyncPhase.List, SyncPhase.ArchivedSweep, SyncPhase.Done], seen.Select(p => p.Phase));
        Assert.Equal(4, seen[^1].Records);
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => CreateSut(options: new SyncOptions { SettleWindow = TimeSpan.FromMinutes(-1), ListPageSize = 500 }));

        Assert.StartsWith("Sync:SettleWindow must not be negative. Sync:ListPageSize must be between 1 and 100.", error.Message, StringComparison.Ordinal);
    }

    private static string DealsOnly() => """
        {"objects": {"deals": {"hubspotObject": "deals", "keyProperty": "hs_object_id", "fields": [
          {"hubspot": "dealname", "local": "name"}, {"hubspot": "pipeline", "local": "pipeline"},
          {"hubspot": "dealstage", "local": "stage"}, {"hubspot": "amount", "local": "amount", "transform": "money"}]}}}
        """;

    private sealed class SynchronousProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
