using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>The behaviour every <see cref="IDeliveryStore"/> must have; run against the SQLite store and the in-memory fake.</summary>
public abstract class DeliveryStoreContractTests
{
    protected static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    protected abstract IDeliveryStore Store { get; }

    protected static StoredRecord Deal(string id, string? amount = "100", bool archived = false) => new(
        EntityKind.Deal,
        id,
        archived,
        archived ? At : null,
        At.AddDays(-3),
        At.AddMinutes(-1),
        new SortedDictionary<string, string?>(StringComparer.Ordinal)
        {
            ["amount"] = amount,
            ["dealname"] = "Deal " + id,
            ["dealstage"] = "closedwon",
            ["pipeline"] = "default",
        },
        new SortedDictionary<string, string?>(StringComparer.Ordinal)
        {
            ["amount"] = amount,
            ["name"] = "Deal " + id,
            ["pipeline"] = "default",
            ["stage"] = "closedwon",
        });

    protected static StoredRecord Company(string id, bool archived = false) => new(
        EntityKind.Company,
        id,
        archived,
        archived ? At : null,
        At.AddDays(-3),
        At.AddMinutes(-1),
        new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["name"] = "Company " + id },
        new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["name"] = "Company " + id });

    protected static RecordWrite Write(StoredRecord record, LedgerStatus status = LedgerStatus.InSync, string? reason = null, string hash = "h1") =>
        new(record, new LedgerEntry(record.Kind, record.Id, record.UpdatedAt, hash, status, reason, At));

    protected static PageCommit Page(EntityKind kind, IReadOnlyList<RecordWrite> writes, IReadOnlyList<LinkReplacement>? links = null, SyncCursorState? cursor = null) =>
        new(kind, writes, links ?? [], cursor ?? new SyncCursorState(kind) { ListInProgress = true, ListAfter = "after-" + writes.Count, ListStartedAt = At });

    private static DeliveryLink Link(EntityKind from, string fromId, EntityKind to, string toId, params AssociationKind[] kinds) =>
        new(from, fromId, to, toId, kinds);

    [Fact]
    public async Task CommitPageAsync_NewRecords_StatesAndCursorReadBack()
    {
        var cursor = new SyncCursorState(EntityKind.Deal)
        {
            Listed = true, ListStartedAt = At, Fast = At.AddTicks(1234567), Settled = At.AddMinutes(-60), ArchivedSweepInProgress = true, ArchivedAfter = "77",
        };

        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("10")), Write(Deal("9"), hash: "h9")], cursor: cursor), default);

        var states = await Store.GetStatesAsync(EntityKind.Deal, ["9", "10", "11"], default);
        Assert.Equal(["10", "9"], states.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("h9", LedgerStatus.InSync, true, false), (states["9"].ContentHash, states["9"].Status, states["9"].InModel, states["9"].Archived));
        Assert.Equal("100", states["9"].Properties["amount"]);
        Assert.Equal(cursor, await Store.GetCursorAsync(EntityKind.Deal, default));
        Assert.Equal(new SyncCursorState(EntityKind.Ticket), await Store.GetCursorAsync(EntityKind.Ticket, default));
    }

    [Fact]
    public async Task CommitPageAsync_PartitionedListing_EachRangeReadsBackWithItsPositionAndIsClearedAfter()
    {
        var partitions = new List<SyncPartition>
        {
            new(0, 1_000, 5_000) { Reader = SyncPartitionReader.List, Done = true },
            new(1, 5_000, 9_000) { Reader = SyncPartitionReader.Search, Position = 7_531 },
            new(2, 9_000, null),
        };
        var cursor = new SyncCursorState(EntityKind.Deal) { ListInProgress = true, ListAfter = "4001", ListStartedAt = At, Partitions = partitions };

        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("7531"))], cursor: cursor), default);

        var read = await Store.GetCursorAsync(EntityKind.Deal, default);
        Assert.Equal(partitions, read.Partitions);
        Assert.Equal(cursor with { Partitions = read.Partitions }, read);
        Assert.Empty((await Store.GetCursorAsync(EntityKind.Ticket, default)).Partitions);

        partitions[2] = partitions[2] with { Reader = SyncPartitionReader.Search, Done = true };
        await Store.SaveCursorAsync(cursor with { Partitions = partitions }, default);
        Assert.Equal(partitions, (await Store.GetCursorAsync(EntityKind.Deal, default)).Partitions);

        await Store.SaveCursorAsync(cursor with { ListInProgress = false, Listed = true, ListAfter = null, Partitions = [] }, default);
        Assert.Empty((await Store.GetCursorAsync(EntityKind.Deal, default)).Partitions);
    }

    [Fact]
    public async Task CommitPageAsync_RecordNeverInTheModelLeaves_LinksOtherTypesHoldToItStay()
    {
        // The types commit at once: a project's link to a deal may be stored before the deal's page, which finds the
        // deal excluded by a filter. The link stays, whichever commits first.
        var link = new LinkReplacement(EntityKind.Company, "1", EntityKind.Deal, [Link(EntityKind.Company, "1", EntityKind.Deal, "42", new AssociationKind("HUBSPOT_DEFINED", 342, null))]);
        await Store.CommitPageAsync(Page(EntityKind.Company, [Write(Company("1"))], [link]), default);

        await Store.CommitPageAsync(Page(EntityKind.Deal, [new RecordWrite(null, new LedgerEntry(EntityKind.Deal, "42", At, "hx", LedgerStatus.Excluded, "pipeline not synced", At))]), default);

        Assert.Single((await Store.GetLinksAsync(EntityKind.Company, EntityKind.Deal, ["1"], default))["1"]);
    }

    [Fact]
    public async Task CommitPageAsync_SameIdTwice_UpdatesInPlace()
    {
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("5", "100"))]), default);

        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("5", "250", archived: true), hash: "h2")]), default);

        var record = Assert.Single(await Store.GetRecordsAsync(EntityKind.Deal, null, default));
        Assert.Equal(("250", true, At), (record.Properties["amount"], record.Archived, record.ArchivedAt));
        Assert.Equal("h2", (await Store.GetLedgerEntryAsync(EntityKind.Deal, "5", default))!.ContentHash);
    }

    [Fact]
    public async Task CommitPageAsync_LocalValuesChange_LocalChangedAtIsThatVersionsUpdatedAtAndOutboundOnlyWritesKeepIt()
    {
        static StoredRecord Project(DateTimeOffset updatedAt, string percent, string score) => new(
            EntityKind.Project,
            "7",
            false,
            null,
            At.AddDays(-30),
            updatedAt,
            new SortedDictionary<string, string?>(StringComparer.Ordinal)
            {
                ["health_score"] = score, ["hs_name"] = "Seven", ["project_code"] = "P-7", ["project_percent_complete"] = percent,
            },
            new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["code"] = "P-7", ["name"] = "Seven", ["percent_complete"] = percent },
            LocalChangedAt: At);

        async Task<(DateTimeOffset? Stored, DateTimeOffset? Model)> Commit(StoredRecord record, string hash)
        {
            await Store.CommitPageAsync(Page(EntityKind.Project, [Write(record, hash: hash)]), default);
            var stored = Assert.Single(await Store.GetRecordsAsync(EntityKind.Project, ["7"], default));
            return (stored.LocalChangedAt, Assert.Single((await Store.LoadModelAsync(default)).Projects).UpdatedAt);
        }

        // First sight: no evidence of a person's edit (whatever the caller passed); then the worker's own health push
        // (an outbound property and HubSpot's updatedAt moved, the local values did not); then a person's edit; then
        // another push.
        Assert.Equal((null, null), await Commit(Project(At.AddDays(-10), "40", "55"), "h1"));
        Assert.Equal((null, null), await Commit(Project(At.AddDays(-5), "40", "60"), "h2"));
        Assert.Equal((At.AddDays(-3), At.AddDays(-3)), await Commit(Project(At.AddDays(-3), "50", "60"), "h3"));
        Assert.Equal((At.AddDays(-3), At.AddDays(-3)), await Commit(Project(At.AddDays(-1), "50", "65"), "h4"));

        // A mapping change that adds an inbound field changes every record's local values, and is no person's edit.
        static SortedDictionary<string, string?> WithStatus(StoredRecord r, string status) =>
            new(r.LocalValues.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal) { ["status"] = status };
        var remapped = Project(At, "50", "65");
        remapped = remapped with { LocalValues = WithStatus(remapped, "active") };
        Assert.Equal((At.AddDays(-3), At.AddDays(-3)), await Commit(remapped, "h5"));
        Assert.Equal((At.AddHours(1), At.AddHours(1)), await Commit(remapped with
        {
            UpdatedAt = At.AddHours(1),
            LocalValues = WithStatus(remapped, "on_hold"),
        }, "h6"));
    }

    [Fact]
    public async Task CommitPageAsync_RecordLeavesTheModel_RemovesItAndItsLinksButKeepsTheLedgerRow()
    {
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1")), Write(Deal("2"))], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "50", new AssociationKind("HUBSPOT_DEFINED", 341, null))]),
            new LinkReplacement(EntityKind.Deal, "2", EntityKind.Company, [Link(EntityKind.Deal, "2", EntityKind.Company, "50", new AssociationKind("HUBSPOT_DEFINED", 341, null))]),
        ]), default);

        await Store.CommitPageAsync(Page(EntityKind.Deal, [new RecordWrite(null, new LedgerEntry(EntityKind.Deal, "1", At, "hx", LedgerStatus.Excluded, "filter", At))]), default);

        Assert.Equal(["2"], (await Store.GetRecordsAsync(EntityKind.Deal, null, default)).Select(r => r.Id));
        Assert.Equal(["2"], (await Store.GetLinksAsync(EntityKind.Deal, EntityKind.Company, ["1", "2"], default)).Keys);
        var state = (await Store.GetStatesAsync(EntityKind.Deal, ["1"], default))["1"];
        Assert.Equal((LedgerStatus.Excluded, false), (state.Status, state.InModel));
    }

    [Fact]
    public async Task CommitPageAsync_LinkReplacement_ReplacesOnlyThatRecordsLinksOfThatPair()
    {
        var primary = new AssociationKind("HUBSPOT_DEFINED", 5, "Primary");
        var plain = new AssociationKind("HUBSPOT_DEFINED", 341, null);
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1"))], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "50", plain), Link(EntityKind.Deal, "1", EntityKind.Company, "51", plain)]),
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Ticket, [Link(EntityKind.Deal, "1", EntityKind.Ticket, "70", new AssociationKind("HUBSPOT_DEFINED", 27, null))]),
        ]), default);

        await Store.CommitPageAsync(Page(EntityKind.Deal, [], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "51", primary, plain)]),
        ]), default);

        var companies = (await Store.GetLinksAsync(EntityKind.Deal, EntityKind.Company, ["1"], default))["1"];
        var link = Assert.Single(companies);
        Assert.Equal("51", link.ToId);
        Assert.Equal([primary, plain], link.Kinds);
        Assert.Single((await Store.GetLinksAsync(EntityKind.Deal, EntityKind.Ticket, ["1"], default))["1"]);
        var linked = await Store.GetLinkedFromIdsAsync(EntityKind.Deal, EntityKind.Company, ["50", "51"], default);
        Assert.Equal(["51"], linked.Keys);
        Assert.Equal(["1"], linked["51"]);
    }

    [Fact]
    public async Task ExportAsync_Records_SortedByNumericIdWithValuesExactlyAsStored()
    {
        var tricky = "Zoë \"quoted\" <b>&amp;</b>\n\ttab \\ back\u2028 😀";
        var record = Deal("10") with { Properties = new SortedDictionary<string, string?>(StringComparer.Ordinal) { ["dealname"] = tricky, ["amount"] = null, ["empty"] = "" } };
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(record), Write(Deal("9")), Write(Deal("100", archived: true))], [
            new LinkReplacement(EntityKind.Deal, "10", EntityKind.Company, [Link(EntityKind.Deal, "10", EntityKind.Company, "3", new AssociationKind("HUBSPOT_DEFINED", 341, null), new AssociationKind("HUBSPOT_DEFINED", 5, "Primary"))]),
            new LinkReplacement(EntityKind.Deal, "9", EntityKind.Company, [Link(EntityKind.Deal, "9", EntityKind.Company, "20", new AssociationKind("USER_DEFINED", 88, "Billing"))]),
        ]), default);

        var export = await Store.ExportAsync(null, default);

        Assert.Equal(EntityKinds.All, export.Records.Keys.Order());
        Assert.Equal(["9", "10", "100"], export.Records[EntityKind.Deal].Select(r => r.Id));
        Assert.Equal([false, false, true], export.Records[EntityKind.Deal].Select(r => r.Archived));
        var properties = export.Records[EntityKind.Deal][1].Properties;
        Assert.Equal(["amount", "dealname", "empty"], properties.Keys);
        Assert.Equal((null, tricky, ""), (properties["amount"], properties["dealname"], properties["empty"]));
        Assert.Equal(
            [new ExportAssociation("deals", "9", "companies", "20", [88]), new ExportAssociation("deals", "10", "companies", "3", [5, 341])],
            export.Associations.Select(a => a with { TypeIds = [.. a.TypeIds] }),
            new ExportAssociationComparer());
        using var json = System.Text.Json.JsonDocument.Parse(ExpectedExport.Json(export));
        var written = json.RootElement.GetProperty("deals")[1].GetProperty("properties");
        Assert.Equal(tricky, written.GetProperty("dealname").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, written.GetProperty("amount").ValueKind);
        Assert.Equal("", written.GetProperty("empty").GetString());
    }

    [Fact]
    public async Task ExportAsync_OneKind_OnlyThatKindAndItsAssociations()
    {
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1"))], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "2", new AssociationKind("HUBSPOT_DEFINED", 341, null))]),
        ]), default);

        var export = await Store.ExportAsync([EntityKind.Company], default);

        Assert.Equal([EntityKind.Company], export.Records.Keys);
        Assert.Single(export.Associations);
        Assert.Empty((await Store.ExportAsync([EntityKind.Ticket], default)).Associations);
    }

    [Fact]
    public async Task ExportAsync_LinkToAnArchivedRecord_HiddenButKeptAndShownAgainOnRestore()
    {
        var plain = new AssociationKind("HUBSPOT_DEFINED", 341, null);
        await Store.CommitPageAsync(Page(EntityKind.Company, [Write(Company("50")), Write(Company("51", archived: true))]), default);
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1"))], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "50", plain), Link(EntityKind.Deal, "1", EntityKind.Company, "51", plain)]),
        ]), default);

        var export = await Store.ExportAsync(null, default);

        // As HubSpot's reads show it: the archived company is exported (flagged), the link to it is not.
        Assert.Equal([("50", false), ("51", true)], export.Records[EntityKind.Company].Select(r => (r.Id, r.Archived)));
        Assert.Equal([("deals", "1", "companies", "50")], export.Associations.Select(a => (a.FromType, a.FromId, a.ToType, a.ToId)));
        Assert.Equal(["50"], (await Store.ExportAsync([EntityKind.Company], default)).Associations.Select(a => a.ToId));

        // Restored: the link is back (the store kept it).
        await Store.CommitPageAsync(Page(EntityKind.Company, [Write(Company("51"), hash: "h2")]), default);
        Assert.Equal(["50", "51"], (await Store.ExportAsync(null, default)).Associations.Select(a => a.ToId));
    }

    /// <summary>
    /// Both ends count, as in <c>LoadModelAsync</c>: a link stored from a record that is archived now is hidden too.
    /// The sync clears an archived record's own links, so this arises only from a store written otherwise (a page that
    /// archives a record keeps links it does not replace); export must not show them either way.
    /// </summary>
    [Fact]
    public async Task ExportAsync_LinkFromAnArchivedRecord_HiddenAndShownAgainOnRestore()
    {
        var plain = new AssociationKind("HUBSPOT_DEFINED", 341, null);
        await Store.CommitPageAsync(Page(EntityKind.Company, [Write(Company("50"))]), default);
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1")), Write(Deal("2"))], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "50", plain)]),
            new LinkReplacement(EntityKind.Deal, "2", EntityKind.Company, [Link(EntityKind.Deal, "2", EntityKind.Company, "50", plain)]),
        ]), default);
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("2", archived: true), hash: "h2")]), default);

        var export = await Store.ExportAsync(null, default);

        Assert.Equal([("deals", "1", "companies", "50")], export.Associations.Select(a => (a.FromType, a.FromId, a.ToType, a.ToId)));
        Assert.Equal(["1"], (await Store.ExportAsync([EntityKind.Company], default)).Associations.Select(a => a.FromId));
        Assert.Equal(["1"], (await Store.LoadModelAsync(default)).Links.Select(l => l.FromId));

        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("2"), hash: "h3")]), default);
        Assert.Equal(["1", "2"], (await Store.ExportAsync(null, default)).Associations.Select(a => a.FromId));
    }

    [Fact]
    public async Task GetStatusAsync_LedgerRows_CountsByStatusWithReasons()
    {
        await Store.CommitPageAsync(Page(EntityKind.Deal, [
            Write(Deal("1")),
            Write(Deal("2"), LedgerStatus.Failing, "amount: 'x' is not a number"),
            Write(Deal("3"), LedgerStatus.Failing, "amount: 'x' is not a number"),
            Write(Deal("4", archived: true)),
        ]), default);
        var run = await Store.StartRunAsync("sync", At, default);
        await Store.FinishRunAsync(run, At.AddSeconds(3), "succeeded", "seen 4", default);

        var status = await Store.GetStatusAsync(10, default);

        var deals = status.Objects.Single(o => o.Kind == EntityKind.Deal);
        Assert.True(status.DatabaseExists);
        Assert.Equal((4L, 1L), (deals.Records, deals.ArchivedRecords));
        Assert.Equal(3, deals.LedgerCounts[LedgerStatus.InSync] + deals.LedgerCounts[LedgerStatus.Failing] - 1);
        var reason = Assert.Single(deals.Reasons);
        Assert.Equal((LedgerStatus.Failing, "amount: 'x' is not a number", 2L), (reason.Status, reason.Reason, reason.Count));
        Assert.Equal(["2", "3"], reason.ExampleIds);
        Assert.Equal(new SyncRunInfo(run, "sync", At, At.AddSeconds(3), "succeeded", "seen 4"), Assert.Single(status.LastRuns));
        Assert.True(deals.Cursor.ListInProgress);
    }

    [Fact]
    public async Task LoadModelAsync_Records_TypedEntitiesWithoutFailingOnesAndStageMetadataApplied()
    {
        await Store.SavePipelinesAsync(EntityKind.Deal, SeedPortal.DealPipelines, default);
        await Store.CommitPageAsync(Page(EntityKind.Deal, [
            Write(Deal("1", "1250.50")),
            Write(Deal("2"), LedgerStatus.Failing, "broken"),
            Write(Deal("3") with { LocalValues = new SortedDictionary<string, string?> { ["name"] = "Lost", ["pipeline"] = "default", ["stage"] = "closedlost" } }),
        ], [new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "9", new AssociationKind("HUBSPOT_DEFINED", 341, null))])]), default);

        var model = await Store.LoadModelAsync(default);

        Assert.Equal(["1", "3"], model.Deals.Select(d => d.Id));
        Assert.Equal((1250.50m, true, "Deal 1"), (model.Deals[0].Amount, model.Deals[0].IsClosedWon, model.Deals[0].Name));
        Assert.False(model.Deals[1].IsClosedWon);
        Assert.Equal([(EntityKind.Deal, "1", EntityKind.Company, "9")], model.Links.Select(l => (l.From, l.FromId, l.To, l.ToId)));
        Assert.Equal(SeedPortal.DealPipelines[0].Stages, (await Store.GetPipelinesAsync(EntityKind.Deal, default))[0].Stages);
    }

    [Fact]
    public async Task LoadModelAsync_LinksToOrFromArchivedRecords_LeftOutButTheRecordsStayFlagged()
    {
        var plain = new AssociationKind("HUBSPOT_DEFINED", 341, null);
        await Store.CommitPageAsync(Page(EntityKind.Company, [Write(Company("50")), Write(Company("51", archived: true))]), default);
        await Store.CommitPageAsync(Page(EntityKind.Deal, [Write(Deal("1")), Write(Deal("2", archived: true))], [
            new LinkReplacement(EntityKind.Deal, "1", EntityKind.Company, [Link(EntityKind.Deal, "1", EntityKind.Company, "50", plain), Link(EntityKind.Deal, "1", EntityKind.Company, "51", plain)]),
            new LinkReplacement(EntityKind.Deal, "2", EntityKind.Company, [Link(EntityKind.Deal, "2", EntityKind.Company, "50", plain)]),
        ]), default);

        var model = await Store.LoadModelAsync(default);

        Assert.Equal([("1", false), ("2", true)], model.Deals.Select(d => (d.Id, d.Archived)));
        Assert.Equal([("50", false), ("51", true)], model.Companies.Select(c => (c.Id, c.Archived)));
        var link = Assert.Single(model.Links);
        Assert.Equal((EntityKind.Deal, "1", EntityKind.Company, "50"), (link.From, link.FromId, link.To, link.ToId));

        // Restored: the links are back (the store kept them).
        await Store.CommitPageAsync(Page(EntityKind.Company, [Write(Company("51"), hash: "h2")]), default);
        Assert.Equal(
            [(EntityKind.Deal, "1", EntityKind.Company, "50"), (EntityKind.Deal, "1", EntityKind.Company, "51")],
            (await Store.LoadModelAsync(default)).Links.Select(l => (l.From, l.FromId, l.To, l.ToId)).OrderBy(l => l.ToId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reads_EmptyStore_ReturnEmptyResults()
    {
        Assert.Empty(await Store.GetStatesAsync(EntityKind.Deal, ["1"], default));
        Assert.Empty(await Store.GetLinksAsync(EntityKind.Deal, EntityKind.Company, ["1"], default));
        Assert.Null(await Store.GetLedgerEntryAsync(EntityKind.Deal, "1", default));
        Assert.Empty((await Store.ExportAsync(null, default)).Records[EntityKind.Deal]);
        Assert.Empty((await Store.LoadModelAsync(default)).Deals);
        Assert.Empty(await Store.GetPipelinesAsync(EntityKind.Ticket, default));
        Assert.False((await Store.GetStatusAsync(5, default)).DatabaseExists);
    }

    private sealed class ExportAssociationComparer : IEqualityComparer<ExportAssociation>
    {
        public bool Equals(ExportAssociation? x, ExportAssociation? y) =>
            x is not null && y is not null && (x.FromType, x.FromId, x.ToType, x.ToId) == (y.FromType, y.FromId, y.ToType, y.ToId) && x.TypeIds.SequenceEqual(y.TypeIds);

        public int GetHashCode(ExportAssociation obj) => HashCode.Combine(obj.FromId, obj.ToId);
    }
}
