using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Storage.Tests.WriteBack;

/// <summary>The behaviour every <see cref="IWriteBackStore"/> must have; run against the SQLite and the PostgreSQL store.</summary>
public abstract class WriteBackStoreContractTests
{
    protected static readonly CancellationToken None = CancellationToken.None;
    protected static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A store over the test's database (the same database each call: a second call is a reopened store).</summary>
    protected abstract IWriteBackStore CreateSut();

    [Fact]
    public async Task EnqueueAsync_SamePropertyTwice_KeepsOneRowWithTheLatestValueAndANewRevision()
    {
        var store = CreateSut();
        await store.EnqueueAsync([Change("1", "health_status", "amber")], T0, None);
        var first = Assert.Single(await store.GetPendingAsync(None));

        await store.EnqueueAsync([Change("1", "health_status", "red"), Change("2", "health_status", "green")], T0.AddMinutes(1), None);
        await store.EnqueueAsync([Change("2", "health_status", "green")], T0.AddMinutes(2), None);
        var pending = await store.GetPendingAsync(None);

        Assert.Equal(2, pending.Count);
        Assert.Equal((first.Id, 2, "red"), (pending[0].Id, pending[0].Revision, pending[0].Change.Value));
        Assert.Equal((1, "green"), (pending[1].Revision, pending[1].Change.Value));
        Assert.Equal(Change("1", "health_status", "red"), pending[0].Change);
    }

    [Fact]
    public async Task CommitFlushAsync_RowReplacedAfterItWasRead_KeepsTheNewerRow()
    {
        var store = CreateSut();
        await store.EnqueueAsync([Change("1", "health_status", "amber")], T0, None);
        var sent = Assert.Single(await store.GetPendingAsync(None));
        await store.EnqueueAsync([Change("1", "health_status", "red")], T0, None);

        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { Pushed = [new PushedValue(sent.Id, sent.Revision, sent.Change.Key, "amber", "health", T0)] }, None);

        Assert.Equal("red", Assert.Single(await store.GetPendingAsync(None)).Change.Value);
        Assert.Equal("amber", (await States(store, "1"))[sent.Change.Key].PushedValue);
    }

    [Fact]
    public async Task RecordObservedAsync_ValueUnchanged_KeepsTheTimeItLastChanged()
    {
        var store = CreateSut();
        await store.RecordObservedAsync("projects", "1", Values(("health_status", "green"), ("health_score", "80")), T0, None);

        await store.RecordObservedAsync("projects", "1", Values(("health_status", "green"), ("health_score", "70")), T0.AddHours(1), None);
        var states = await States(store, "1");

        Assert.Equal(("green", T0), (states[Key("1", "health_status")].ObservedValue, states[Key("1", "health_status")].ObservedChangedAt));
        Assert.Equal(("70", T0.AddHours(1)), (states[Key("1", "health_score")].ObservedValue, states[Key("1", "health_score")].ObservedChangedAt));
    }

    [Fact]
    public async Task RecordObservedAsync_OlderObservationThanStored_IsIgnored()
    {
        var store = CreateSut();
        await store.RecordObservedAsync("projects", "1", Values(("health_status", "red")), T0.AddHours(1), None);

        await store.RecordObservedAsync("projects", "1", Values(("health_status", "green")), T0, None);

        Assert.Equal("red", (await States(store, "1"))[Key("1", "health_status")].ObservedValue);
    }

    [Fact]
    public async Task RecordObservedAsync_HistoryTimestampGiven_UsesItAsChangeTime()
    {
        var store = CreateSut();

        await store.RecordObservedAsync(
            [new ObservedRecord("deals", "9", Values(("amount", "100")), T0.AddHours(2), new Dictionary<string, DateTimeOffset> { ["amount"] = T0 })], None);

        var state = (await store.GetPropertyStatesAsync([new RecordRef("deals", "9")], None))[new PropertyKey("deals", "9", "amount")];
        Assert.Equal(T0, state.ObservedChangedAt);
    }

    [Fact]
    public async Task GetPropertyStatesAsync_ManyRecords_ReturnsObservedAndPushedForThoseOnly()
    {
        var store = CreateSut();
        var ids = Enumerable.Range(1, 1200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await store.RecordObservedAsync(ids.Select(id => new ObservedRecord("projects", id, Values(("health_status", "green")), T0)).ToList(), None);
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { Pushed = [new PushedValue(0, 0, Key("7", "health_status"), "red", "health", T0.AddMinutes(1))] }, None);

        var states = await store.GetPropertyStatesAsync(ids.Take(1100).Select(id => new RecordRef("projects", id)).ToList(), None);

        Assert.Equal(1100, states.Count);
        Assert.Equal(("green", "red"), (states[Key("7", "health_status")].ObservedValue, states[Key("7", "health_status")].PushedValue));
        Assert.False(states.ContainsKey(Key("1150", "health_status")));
    }

    [Fact]
    public async Task CommitFlushAsync_DeadLetterThenReplay_MovesTheRowBackAndAuditsBoth()
    {
        var store = CreateSut();
        await store.EnqueueAsync([Change("1", "health_status", "purple")], T0, None);
        var entry = Assert.Single(await store.GetPendingAsync(None));
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with
        {
            DeadLettered = [new DeadLetterEntry(entry with { Attempts = 1 }, "VALIDATION_ERROR", "purple was not one of the allowed options")],
            Audit = [new AuditEntry(0, T0, "projects", "1", "health_status", null, "purple", "local-wins", AuditDecisions.DeadLettered, "health")],
        }, None);

        var letter = Assert.Single(await store.ListDeadLettersAsync(None));
        var pendingBeforeReplay = await store.GetPendingAsync(None);
        var replayed = await store.ReplayDeadLettersAsync(letter.Id, T0.AddHours(1), None);

        Assert.Empty(pendingBeforeReplay);
        Assert.Equal((entry.Change, "VALIDATION_ERROR", 1, T0), (letter.Change, letter.Category, letter.Attempts, letter.FailedAt));
        Assert.Equal(1, replayed);
        Assert.Equal(entry.Change, Assert.Single(await store.GetPendingAsync(None)).Change);
        Assert.Empty(await store.ListDeadLettersAsync(None));
        Assert.Equal([AuditDecisions.Replayed, AuditDecisions.DeadLettered], (await store.ListAuditAsync(new AuditQuery(), None)).Select(a => a.Decision));
    }

    [Fact]
    public async Task CommitFlushAsync_RejectedValue_HeldInTheStateUntilSupersededOrReplayed_GivenUpWriteIsNotHeld()
    {
        var store = CreateSut();
        await store.EnqueueAsync([Change("1", "health_status", "purple"), Change("2", "health_status", "red")], T0, None);
        var pending = await store.GetPendingAsync(None);
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with
        {
            DeadLettered =
            [
                new DeadLetterEntry(pending.Single(e => e.Change.RecordId == "1"), "VALIDATION_ERROR", "purple was not one of the allowed options", Rejected: true),
                new DeadLetterEntry(pending.Single(e => e.Change.RecordId == "2") with { Attempts = 5 }, "HTTP_503", "Service unavailable"),
            ],
        }, None);

        var held = await States(store, "1");
        var notHeld = await States(store, "2");
        Assert.Equal((true, "purple"), (held[Key("1", "health_status")].HasRejected, held[Key("1", "health_status")].RejectedValue));
        Assert.False(notHeld.TryGetValue(Key("2", "health_status"), out var given) && given.HasRejected);
        Assert.Equal([true, false], (await store.ListDeadLettersAsync(None)).Select(d => d.Rejected));

        await store.EnqueueAsync([Change("1", "health_status", "violet")], T0.AddMinutes(1), None);
        await store.CommitFlushAsync(FlushCommit.Empty(T0.AddMinutes(1)) with
        {
            DeadLettered = [new DeadLetterEntry(Assert.Single(await store.GetPendingAsync(None)), "VALIDATION_ERROR", "violet was not one of the allowed options", Rejected: true)],
        }, None);
        var letters = await store.ListDeadLettersAsync(None);
        Assert.Equal(["2/red", "1/violet"], letters.Select(d => d.Change.RecordId + "/" + d.Change.Value));
        Assert.Equal("violet", (await States(store, "1"))[Key("1", "health_status")].RejectedValue);

        await store.ReplayDeadLettersAsync(letters.Single(d => d.Change.RecordId == "1").Id, T0.AddMinutes(2), None);
        Assert.False((await States(store, "1")).TryGetValue(Key("1", "health_status"), out var replayed) && replayed.HasRejected);
    }

    [Fact]
    public async Task ReplayDeadLettersAsync_NewerValuePending_KeepsTheNewerValue()
    {
        var store = CreateSut();
        await store.EnqueueAsync([Change("1", "health_status", "purple")], T0, None);
        var entry = Assert.Single(await store.GetPendingAsync(None));
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { DeadLettered = [new DeadLetterEntry(entry, "VALIDATION_ERROR", "bad")] }, None);
        await store.EnqueueAsync([Change("1", "health_status", "red")], T0.AddMinutes(1), None);

        var replayed = await store.ReplayDeadLettersAsync(null, T0.AddMinutes(2), None);

        Assert.Equal(1, replayed);
        Assert.Equal("red", Assert.Single(await store.GetPendingAsync(None)).Change.Value);
    }

    [Fact]
    public async Task CommitFlushAsync_FailedAttempt_CountsItAndKeepsTheError()
    {
        var store = CreateSut();
        await store.EnqueueAsync([Change("1", "health_status", "red")], T0, None);
        var entry = Assert.Single(await store.GetPendingAsync(None));

        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { Failed = [new FailedAttempt(entry.Id, "503")] }, None);
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { Failed = [new FailedAttempt(entry.Id, "reset")] }, None);

        var pending = Assert.Single(await store.GetPendingAsync(None));
        Assert.Equal((2, "reset"), (pending.Attempts, pending.LastError));
    }

    [Fact]
    public async Task ListAuditAsync_FilteredByRecord_ReturnsItsEntriesNewestFirst()
    {
        var store = CreateSut();
        await store.AppendAuditAsync(
            [
                new AuditEntry(0, T0, "deals", "5", "amount", "1000", "1200", "hubspot-wins", AuditDecisions.KeptHubSpot, "mapping:deals.amount", "kept"),
                new AuditEntry(0, T0.AddMinutes(1), "deals", "6", "amount", null, "10", "local-wins", AuditDecisions.Pushed, "rollup"),
                new AuditEntry(0, T0.AddMinutes(2), "deals", "5", "delivery_health", "green", "red", "local-wins", AuditDecisions.Pushed, "rollup"),
            ],
            None);

        var entries = await store.ListAuditAsync(new AuditQuery("deals", "5"), None);

        Assert.Equal(["delivery_health", "amount"], entries.Select(e => e.Property));
        Assert.Equal(new AuditEntry(entries[1].Id, T0, "deals", "5", "amount", "1000", "1200", "hubspot-wins", AuditDecisions.KeptHubSpot, "mapping:deals.amount", "kept"), entries[1]);
        Assert.Equal(["amount"], (await store.ListAuditAsync(new AuditQuery("deals", "5", Source: "mapping:deals.amount"), None)).Select(e => e.Property));
        Assert.Equal(["6"], (await store.ListAuditAsync(new AuditQuery(Limit: 1, Source: "rollup") with { RecordKey = "6" }, None)).Select(e => e.RecordKey));
        Assert.Equal(3, (await store.ListAuditAsync(new AuditQuery(), None)).Count);
    }

    [Fact]
    public async Task Store_ReopenedOnTheSameFile_KeepsEverything()
    {
        await CreateSut().EnqueueAsync([Change("1", "health_status", "red")], T0, None);

        var reopened = CreateSut();

        Assert.Equal("red", Assert.Single(await reopened.GetPendingAsync(None)).Change.Value);
    }

    [Fact]
    public async Task EnqueueAsync_DesiredValueUnderNewestWins_KeepsItsSinceUntilTheValueChangesAndLocalWinsKeepsNone()
    {
        var store = CreateSut();
        var key = Key("1", "health_status");
        async Task<DateTimeOffset> CycleAsync(string value, DateTimeOffset now)
        {
            var stamped = DesiredValues.Stamp([Change("1", "health_status", value) with { Policy = ConflictPolicy.NewestWins }, Change("1", "health_score", "50")], await States(store, "1"), now);
            await store.EnqueueAsync(stamped, now, None);
            return stamped[0].ChangedAt;
        }

        var first = await CycleAsync("amber", T0);
        var same = await CycleAsync("amber", T0.AddHours(1));
        var changed = await CycleAsync("red", T0.AddHours(2));
        var state = (await States(CreateSut(), "1"))[key];

        Assert.Equal((T0, T0, T0.AddHours(2)), (first, same, changed));
        Assert.Equal((true, "red", T0.AddHours(2)), (state.HasDesired, state.DesiredValue, state.DesiredSince));
        Assert.Equal(T0.AddHours(2), (await store.GetPendingAsync(None)).Single(e => e.Change.Property == "health_status").Change.ChangedAt);
        Assert.False((await States(store, "1")).TryGetValue(Key("1", "health_score"), out var score) && score.HasDesired, "local-wins keeps no desired value");
    }

    [Fact]
    public async Task CommitFlushAsync_KeptConflict_RememberedAcrossReopenUntilThePropertyIsPushed()
    {
        var store = CreateSut();
        var key = Key("1", "health_reasons");
        var kept = new KeptConflict(key, "Client asked for a pause", T0.AddMinutes(3).AddTicks(1234567), "Budget on track", T0, ConflictPolicy.NewestWins);
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { Kept = [kept] }, None);

        var remembered = (await States(CreateSut(), "1"))[key].Kept;
        await store.CommitFlushAsync(FlushCommit.Empty(T0) with { Pushed = [new PushedValue(0, 0, key, "Budget 12% over", "health", T0.AddHours(1))] }, None);

        Assert.Equal(kept, remembered);
        Assert.Null((await States(store, "1"))[key].Kept);
    }

    [Fact]
    public async Task OutboxFlusher_OverTheStore_PoisonRecordDeadLetteredOthersWrittenReplaySucceedsSecondFlushIdle()
    {
        var time = new FakeTimeProvider(T0);
        var portal = new FakeCrmPortal(time);
        await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: false, None);
        var ids = Enumerable.Range(1, 100).Select(i => portal.Seed("projects", new Dictionary<string, string?> { ["project_code"] = "P" + i })).ToList();
        var store = CreateSut();
        var flusher = new OutboxFlusher(store, portal, time);
        portal.ResetCalls();
        List<OutboundChange> Desired(string poisonValue) =>
            ids.Select(id => new OutboundChange("projects", id, "health_score", id == ids[10] ? poisonValue : "50", "health", ConflictPolicy.LocalWins, time.GetUtcNow())).ToList();

        await store.EnqueueAsync(Desired("fifty"), time.GetUtcNow(), None);
        var first = await flusher.FlushAsync(None);
        var letter = Assert.Single(await store.ListDeadLettersAsync(None));
        await store.ReplayDeadLettersAsync(letter.Id, time.GetUtcNow(), None);
        await store.EnqueueAsync(Desired("55"), time.GetUtcNow(), None);
        var afterFix = await flusher.FlushAsync(None);
        portal.ResetCalls();
        await store.EnqueueAsync(Desired("55"), time.GetUtcNow(), None);
        var idle = await flusher.FlushAsync(None);

        Assert.Equal((1, 99, 1), (first.WriteCalls, first.Applied.Count, first.DeadLettered));
        Assert.Equal((1, 1), (afterFix.WriteCalls, afterFix.Applied.Count));
        Assert.Equal("55", portal.Get("projects", ids[10]).Get("health_score"));
        Assert.Empty(await store.ListDeadLettersAsync(None));
        Assert.Equal((0, 0), (idle.WriteCalls, portal.WriteCalls));
        Assert.Equal(100, (await store.ListAuditAsync(new AuditQuery(Limit: 10_000), None)).Count(a => a.Decision == AuditDecisions.Pushed));
    }

    [Fact]
    public async Task OutboxFlusher_OverTheStore_ConflictKeptEveryFlush_AuditedOnce()
    {
        var time = new FakeTimeProvider(T0);
        var portal = new FakeCrmPortal(time);
        await new SchemaProvisioner(portal, portal).ApplyAsync(ProductSchema.Desired(new ProductSchemaOptions()), dryRun: false, None);
        var id = portal.Seed("projects", new Dictionary<string, string?> { ["project_code"] = "P1" });
        var store = CreateSut();
        var flusher = new OutboxFlusher(store, portal, time);
        async Task<FlushReport> CycleAsync()
        {
            var change = new OutboundChange("projects", id, "health_reasons", "Budget on track", "health:health_reasons", ConflictPolicy.HubSpotWins, time.GetUtcNow());
            await store.EnqueueAsync(DesiredValues.Stamp([change], await States(store, id), time.GetUtcNow()), time.GetUtcNow(), None);
            var report = await flusher.FlushAsync(None);
            time.Advance(TimeSpan.FromMinutes(5));
            return report;
        }

        await CycleAsync();
        portal.EditAsPerson("projects", id, "health_reasons", "Client asked for a pause");
        time.Advance(TimeSpan.FromMinutes(1));
        await store.RecordObservedAsync("projects", [portal.Get("projects", id)], ["health_reasons"], None);
        var kept = new[] { await CycleAsync(), await CycleAsync(), await CycleAsync() };

        Assert.All(kept, k => Assert.Equal((0, 1), (k.WriteCalls, k.KeptHubSpot.Count)));
        var audit = await store.ListAuditAsync(new AuditQuery(), None);
        var decision = Assert.Single(audit, a => a.Decision == AuditDecisions.KeptHubSpot);
        Assert.Equal(("Client asked for a pause", "Budget on track", "hubspot-wins"), (decision.Before, decision.After, decision.Policy));
        Assert.Equal("Client asked for a pause", portal.Get("projects", id).Get("health_reasons"));
    }

    protected static OutboundChange Change(string id, string property, string? value) =>
        new(CrmObjectTypes.Projects, id, property, value, "health", ConflictPolicy.LocalWins, T0);

    protected static PropertyKey Key(string id, string property) => new(CrmObjectTypes.Projects, id, property);

    protected static Dictionary<string, string?> Values(params (string Name, string? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    protected static Task<IReadOnlyDictionary<PropertyKey, PropertyState>> States(IWriteBackStore store, string id) =>
        store.GetPropertyStatesAsync([new RecordRef(CrmObjectTypes.Projects, id)], None);
}
