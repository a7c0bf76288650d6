using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage.WriteBack;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>
/// <see cref="RecordInspector"/> on a real SQLite file, through both stores: one record's ledger row, stored values,
/// links stored from either side, and its own write-back state (never another record's).
/// </summary>
public sealed class RecordInspectorTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly AssociationKind Primary = new(AssociationKind.HubSpotDefined, 5, "Primary");
    private static readonly AssociationKind ProjectToDeal = new(AssociationKind.UserDefined, 12, null);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task InspectAsync_Deal_LedgerValuesLinksFromBothSidesAndOnlyItsOwnWriteBack()
    {
        var store = _db.CreateStore();
        var writeBack = new SqliteWriteBackStore(_db.Database);
        await store.CommitPageAsync(Page(EntityKind.Company, [Write(Record(EntityKind.Company, "1", ("name", "name", "Acme"))), Write(Record(EntityKind.Company, "2", ("name", "name", "Beta")))]), None);
        await store.CommitPageAsync(
            Page(
                EntityKind.Deal,
                [Write(Record(EntityKind.Deal, "10", ("dealname", "name", "Acme web"), ("amount", "amount", "1200.5"))), Write(Record(EntityKind.Deal, "11", ("dealname", "name", "Beta app")))],
                [Links(EntityKind.Deal, "10", EntityKind.Company, ("1", Primary)), Links(EntityKind.Deal, "11", EntityKind.Company, ("2", Primary))]),
            None);
        await store.CommitPageAsync(
            Page(EntityKind.Project, [Write(Record(EntityKind.Project, "7", ("hs_name", "name", "Acme web build")))], [Links(EntityKind.Project, "7", EntityKind.Deal, ("10", ProjectToDeal))]),
            None);

        await writeBack.RecordObservedAsync([new ObservedRecord("deals", "10", new Dictionary<string, string?> { ["delivery_health"] = "amber" }, At)], None);
        await writeBack.EnqueueAsync([Change("10", "delivery_health", "red"), Change("10", "delivery_health_reason", "Budget: CPI 0.8"), Change("11", "delivery_health", "green")], At, None);
        var pending = await writeBack.GetPendingAsync(None);
        var rejected = pending.Single(e => e.Change.RecordId == "10" && e.Change.Property == "delivery_health_reason");
        var other = pending.Single(e => e.Change.RecordId == "11");
        var flushedAt = At.AddMinutes(1);
        await writeBack.CommitFlushAsync(
            new FlushCommit(
                flushedAt,
                [new PushedValue(other.Id, other.Revision, other.Change.Key, "green", other.Change.Source, flushedAt)],
                [],
                [new DeadLetterEntry(rejected, "VALIDATION_ERROR", "Property \"delivery_health_reason\" does not exist")],
                [],
                [
                    new AuditEntry(0, flushedAt, "deals", "11", "delivery_health", null, "green", "local-wins", AuditDecisions.Pushed, "rollup:delivery_health"),
                    new AuditEntry(0, flushedAt, "deals", "10", "delivery_health_reason", null, "Budget: CPI 0.8", "local-wins", AuditDecisions.DeadLettered, "rollup:delivery_health_reason"),
                ],
                []),
            None);
        await writeBack.AppendAuditAsync([new AuditEntry(0, flushedAt.AddMinutes(1), "deals", "10", null, null, "projects/7", "-", AuditDecisions.Associated, "kickoff")], None);

        var deal = await RecordInspector.InspectAsync(store, writeBack, TestMappings.Default, EntityKind.Deal, "10", 10, null, None);

        Assert.Equal((LedgerStatus.InSync, "deals"), (deal.Ledger!.Status, deal.HubSpotObject));
        Assert.False(deal.Record!.Archived);
        var amount = Assert.Single(deal.Fields, f => f.Mapping.HubSpot == "amount");
        Assert.Equal(("1200.5", "1200.5"), (amount.HubSpotValue, amount.Local));
        Assert.Null(Assert.Single(deal.Fields, f => f.Mapping.HubSpot == "delivery_health").Local);
        Assert.Equal(
            [(EntityKind.Company, "1", 5), (EntityKind.Project, "7", 12)],
            deal.Links.Select(l => (l.OtherKind, l.OtherId, l.Kinds.Single().TypeId)));

        var health = Assert.Single(deal.WriteBack, p => p.Property == "delivery_health");
        Assert.Equal(("amber", false, "red"), (health.State.ObservedValue, health.State.HasPushed, health.Pending?.Change.Value));
        Assert.DoesNotContain(deal.WriteBack, p => p.State.PushedValue == "green" || p.Pending?.Change.RecordId == "11");
        Assert.Null(deal.WriteBack.SingleOrDefault(p => p.Property == "delivery_health_reason")?.Pending);
        var letter = Assert.Single(deal.DeadLetters);
        Assert.Equal(("delivery_health_reason", "VALIDATION_ERROR"), (letter.Change.Property, letter.Category));
        Assert.Equal([AuditDecisions.Associated, AuditDecisions.DeadLettered], deal.Audit.Select(a => a.Decision));

        Assert.Empty(deal.Kickoff);
        var kickoff = new KickoffOptions();
        await writeBack.AppendAuditAsync(
            [
                new AuditEntry(0, At, "projects", kickoff.CodeFor("10"), "project_code", null, "D10", "-", AuditDecisions.KickoffFailed, KickoffService.AuditSource("10"), "RATE_LIMIT: try later"),
                new AuditEntry(0, At.AddMinutes(5), "projects", "7", "project_code", null, "D10", "-", AuditDecisions.ProjectCreated, KickoffService.AuditSource("10")),
                new AuditEntry(0, At.AddMinutes(6), "projects", "7", null, null, "deals/10", "-", AuditDecisions.Associated, "kickoff"),
                new AuditEntry(0, At.AddMinutes(7), "projects", kickoff.CodeFor("11"), "project_code", null, "D11", "-", AuditDecisions.KickoffFailed, KickoffService.AuditSource("11"), "bad"),
            ],
            None);
        var withKickoff = await RecordInspector.InspectAsync(store, writeBack, TestMappings.Default, EntityKind.Deal, "10", 10, kickoff, None);
        Assert.Equal([AuditDecisions.ProjectCreated, AuditDecisions.KickoffFailed], withKickoff.Kickoff.Select(a => a.Decision));
        Assert.Equal("D10", withKickoff.Kickoff[1].RecordKey);

        var latest = await RecordInspector.InspectAsync(store, writeBack, TestMappings.Default, EntityKind.Deal, "10", 1, null, None);
        Assert.Equal(AuditDecisions.Associated, Assert.Single(latest.Audit).Decision);

        var company = await RecordInspector.InspectAsync(store, writeBack, TestMappings.Default, EntityKind.Company, "1", 10, null, None);
        Assert.Equal([(EntityKind.Deal, "10")], company.Links.Select(l => (l.OtherKind, l.OtherId)));
        Assert.Empty(company.WriteBack);
        Assert.Empty(company.DeadLetters);
    }

    [Fact]
    public async Task InspectAsync_ExcludedAndNeverSeen_LedgerWithoutRecordOrNothingWithTheCursor()
    {
        var store = _db.CreateStore();
        var writeBack = SqliteWriteBackStore.ReadOnly(_db.Database);
        var cursor = new SyncCursorState(EntityKind.Deal) { Listed = true, Settled = At };
        await store.CommitPageAsync(
            Page(EntityKind.Deal, [new RecordWrite(null, new LedgerEntry(EntityKind.Deal, "12", At, "h", LedgerStatus.Excluded, "pipeline 'partners' is not in the filter", At))], cursor: cursor),
            None);

        var excluded = await RecordInspector.InspectAsync(store, writeBack, TestMappings.Default, EntityKind.Deal, "12", 10, null, None);
        Assert.Equal((LedgerStatus.Excluded, "pipeline 'partners' is not in the filter"), (excluded.Ledger!.Status, excluded.Ledger.Reason));
        Assert.Null(excluded.Record);
        Assert.Empty(excluded.Fields);

        var unknown = await RecordInspector.InspectAsync(store, writeBack, TestMappings.Default, EntityKind.Deal, "404", 10, null, None);
        Assert.Null(unknown.Ledger);
        Assert.Null(unknown.Record);
        Assert.Equal(At, unknown.Cursor.Settled);
        Assert.Empty(unknown.Links);
    }

    private static StoredRecord Record(EntityKind kind, string id, params (string HubSpot, string Local, string Value)[] values) => new(
        kind,
        id,
        false,
        null,
        At.AddDays(-3),
        At.AddMinutes(-1),
        values.ToDictionary(v => v.HubSpot, v => (string?)v.Value, StringComparer.Ordinal),
        values.ToDictionary(v => v.Local, v => (string?)v.Value, StringComparer.Ordinal));

    private static RecordWrite Write(StoredRecord record) =>
        new(record, new LedgerEntry(record.Kind, record.Id, record.UpdatedAt, "h-" + record.Id, LedgerStatus.InSync, null, At));

    private static LinkReplacement Links(EntityKind from, string fromId, EntityKind to, params (string Id, AssociationKind Kind)[] targets) =>
        new(from, fromId, to, targets.Select(t => new DeliveryLink(from, fromId, to, t.Id, [t.Kind])).ToList());

    private static PageCommit Page(EntityKind kind, IReadOnlyList<RecordWrite> writes, IReadOnlyList<LinkReplacement>? links = null, SyncCursorState? cursor = null) =>
        new(kind, writes, links ?? [], cursor ?? new SyncCursorState(kind) { ListInProgress = true, ListStartedAt = At });

    private static OutboundChange Change(string dealId, string property, string value) =>
        new("deals", dealId, property, value, "rollup:" + property, ConflictPolicy.LocalWins, At);
}
