using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class OutboxFlusherTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task FlushAsync_SomePropertiesChanged_WritesOnlyTheDifferingOnesInOneInputPerRecordAndAudits()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1", status: "green");
        kit.Portal.EditAsPerson(CrmObjectTypes.Projects, id, "health_score", "80");
        await kit.PullAsync(CrmObjectTypes.Projects, [id], "health_status", "health_score");
        kit.Time.Advance(TimeSpan.FromMinutes(1));

        var report = await kit.EnqueueAndFlushAsync([
            kit.Health(id, "health_status", "green"),
            kit.Health(id, "health_score", "70"),
            kit.Health(id, "health_reasons", "Budget 12% over"),
        ]);

        var call = Assert.Single(kit.Portal.Calls, c => c.IsWrite);
        Assert.Equal(("batch/update", 1), (call.Method, call.Inputs));
        Assert.Equal(1, report.WriteCalls);
        Assert.Equal(1, report.Unchanged);
        Assert.Equal(["health_reasons", "health_score"], report.Applied.Select(a => a.Property));
        Assert.Equal("70", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_score"));
        Assert.Equal("Budget 12% over", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_reasons"));
        var audit = kit.Store.Audit.Single(a => a.Property == "health_score");
        Assert.Equal(("80", "70", AuditDecisions.OverwroteHubSpot, "local-wins", "health"), (audit.Before, audit.After, audit.Decision, audit.Policy, audit.Source));
        Assert.Empty(await kit.Store.GetPendingAsync(None));
    }

    /// <summary>
    /// The writer left out a property the portal cannot write (here: removed by an admin) and wrote the record's other
    /// values: those are pushed and audited, that one is dead-lettered with the reason and never counted as pushed.
    /// </summary>
    [Fact]
    public async Task FlushAsync_PropertyRefusedByThePortal_OnlyThatValueIsDeadLettered_TheRecordsOtherValuesPushed()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        kit.Portal.RemoveProperty(CrmObjectTypes.Projects, "health_trend");

        var report = await kit.EnqueueAndFlushAsync([
            kit.Health(id, "health_status", "amber"),
            kit.Health(id, "health_trend", "worsening"),
        ]);

        Assert.Equal(1, report.WriteCalls);
        Assert.Equal(["health_status"], report.Applied.Select(a => a.Property));
        Assert.Equal("amber", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
        var letter = Assert.Single(await kit.Store.ListDeadLettersAsync(None));
        Assert.Equal(("health_trend", "worsening", "VALIDATION_ERROR"), (letter.Change.Property, letter.Change.Value, letter.Category));
        Assert.Contains("health_trend", letter.Message, StringComparison.Ordinal);
        Assert.Contains(kit.Store.Audit, a => a.Property == "health_status" && a.Decision != AuditDecisions.DeadLettered);
        Assert.Contains(kit.Store.Audit, a => a.Property == "health_trend" && a.Decision == AuditDecisions.DeadLettered);
        Assert.Empty(await kit.Store.GetPendingAsync(None));
    }

    [Fact]
    public async Task FlushAsync_250RecordsWithThreeChangedProperties_MakesThreeCallsOfAtMost100Records()
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 250).Select(i => kit.SeedProject("P" + i)).ToList();
        kit.Portal.ResetCalls();

        var report = await kit.EnqueueAndFlushAsync(ids.SelectMany(id => new[]
        {
            kit.Health(id, "health_status", "amber"),
            kit.Health(id, "health_score", "55"),
            kit.Health(id, "health_trend", "worsening"),
        }).ToList());

        var writes = kit.Portal.Calls.Where(c => c.IsWrite).ToList();
        Assert.Equal([100, 100, 50], writes.Select(c => c.Inputs));
        Assert.All(writes, c => Assert.Equal("batch/update", c.Method));
        Assert.Equal(3, report.WriteCalls);
        Assert.Equal(250, report.RecordsWritten);
        Assert.Equal(750, report.Applied.Count);
        Assert.All(ids, id => Assert.Equal("worsening", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_trend")));
    }

    [Fact]
    public async Task FlushAsync_SecondCycleWithNoChange_MakesNoWriteCall()
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 30).Select(i => kit.SeedProject("P" + i)).ToList();
        IReadOnlyList<OutboundChange> Desired() => ids.SelectMany(id => new[] { kit.Health(id, "health_status", "red"), kit.Health(id, "health_score", "20") }).ToList();
        var first = await kit.EnqueueAndFlushAsync(Desired());
        Assert.Equal(1, first.WriteCalls);
        kit.Portal.ResetCalls();
        kit.Time.Advance(TimeSpan.FromMinutes(5));

        var second = await kit.EnqueueAndFlushAsync(Desired());

        Assert.Equal(0, kit.Portal.WriteCalls);
        Assert.Equal(0, second.WriteCalls);
        Assert.Equal(60, second.Unchanged);
        Assert.Empty(await kit.Store.GetPendingAsync(None));
    }

    [Fact]
    public async Task FlushAsync_PushComesBackInNextPull_IsRecognisedAsEchoAndNotPushedAgain()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1", status: "green");
        await kit.PullAsync(CrmObjectTypes.Projects, [id], "health_status");
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "red")]);
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        kit.Portal.ResetCalls();

        var pulled = new ObservedRecord(CrmObjectTypes.Projects, id, new Dictionary<string, string?> { ["health_status"] = kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status") }, kit.Portal.Get(CrmObjectTypes.Projects, id).UpdatedAt);
        var states = await kit.Store.GetPropertyStatesAsync([new RecordRef(CrmObjectTypes.Projects, id)], None);
        var foreign = EchoSuppression.ForeignChanges(pulled, states);
        await kit.Store.RecordObservedAsync([pulled], None);
        var report = await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "red")]);

        Assert.Empty(foreign);
        Assert.Equal(0, kit.Portal.WriteCalls);
        Assert.Equal(1, report.Unchanged);
    }

    [Fact]
    public async Task FlushAsync_PoisonRecordInBatchOf100_DeadLettersItAndWritesTheOther99()
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 100).Select(i => kit.SeedProject("P" + i)).ToList();
        kit.Portal.ResetCalls();
        var poison = ids[42];

        var report = await kit.EnqueueAndFlushAsync(ids.Select(id => kit.Health(id, "health_status", id == poison ? "purple" : "amber")).ToList());

        Assert.Equal(1, kit.Portal.WriteCalls);
        Assert.Equal(99, report.Applied.Count);
        Assert.Equal(1, report.DeadLettered);
        Assert.All(ids.Where(i => i != poison), id => Assert.Equal("amber", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status")));
        Assert.Null(kit.Portal.Get(CrmObjectTypes.Projects, poison).Get("health_status"));
        var letter = Assert.Single(await kit.Store.ListDeadLettersAsync(None));
        Assert.Equal((poison, "health_status", "purple", "VALIDATION_ERROR"), (letter.Change.RecordId, letter.Change.Property, letter.Change.Value, letter.Category));
        Assert.Contains("purple was not one of the allowed options", letter.Message, StringComparison.Ordinal);
        Assert.Empty(await kit.Store.GetPendingAsync(None));
        Assert.Contains(kit.Store.Audit, a => a.Decision == AuditDecisions.DeadLettered && a.RecordKey == poison);
    }

    [Fact]
    public async Task ReplayDeadLetters_AfterThePortalIsFixed_TheNextFlushWritesTheValue()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "purple")]);
        var letter = Assert.Single(await kit.Store.ListDeadLettersAsync(None));
        var definition = kit.Portal.PropertiesOf(CrmObjectTypes.Projects)["health_status"];
        kit.Portal.DefineProperty(CrmObjectTypes.Projects, definition with { Options = [.. definition.Options!, new CrmPropertyOption("purple", "Purple")] });

        var replayed = await kit.Store.ReplayDeadLettersAsync(letter.Id, kit.Time.GetUtcNow(), None);
        var report = await kit.CreateFlusher().FlushAsync(None);

        Assert.Equal(1, replayed);
        Assert.Equal(0, report.DeadLettered);
        Assert.Equal("purple", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
        Assert.Empty(await kit.Store.ListDeadLettersAsync(None));
        Assert.Contains(kit.Store.Audit, a => a.Decision == AuditDecisions.Replayed);
    }

    [Fact]
    public async Task FlushAsync_NewValueForADeadLetteredProperty_WritesItAndResolvesTheDeadLetter()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "purple")]);

        await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "red")]);

        Assert.Equal("red", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
        Assert.Empty(await kit.Store.ListDeadLettersAsync(None));
    }

    [Fact]
    public async Task FlushAsync_TheSameRejectedValueEnqueuedAgain_IsHeldWithoutAWriteUntilReplayed()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "purple")]);
        var first = Assert.Single(await kit.Store.ListDeadLettersAsync(None));
        var auditLines = kit.Store.Audit.Count;
        kit.Portal.ResetCalls();

        // Every cycle enqueues the desired value again: HubSpot would reject it again, so it is not sent.
        var second = await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "purple")]);
        var third = await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "purple")]);

        Assert.Equal(0, kit.Portal.WriteCalls);
        Assert.Equal((1, 0, 0), (second.HeldRejected, second.DeadLettered, second.Unchanged));
        Assert.Equal(1, third.HeldRejected);
        Assert.Equal(first, Assert.Single(await kit.Store.ListDeadLettersAsync(None)));
        Assert.True(first.Rejected);
        Assert.Equal(auditLines, kit.Store.Audit.Count);
        Assert.Empty(await kit.Store.GetPendingAsync(None));
        Assert.Contains("1 held as dead letters (rejected before)", WriteBackText.Summary(second), StringComparison.Ordinal);

        // Replayed, it is sent once more (and, still rejected, held again under one dead letter).
        await kit.Store.ReplayDeadLettersAsync(first.Id, kit.Time.GetUtcNow(), None);
        var replayed = await kit.CreateFlusher().FlushAsync(None);
        Assert.Equal((1, 1, 0), (kit.Portal.WriteCalls, replayed.DeadLettered, replayed.HeldRejected));
        Assert.Single(await kit.Store.ListDeadLettersAsync(None));
    }

    [Fact]
    public async Task FlushAsync_AnotherRejectedValueForTheSameProperty_SupersedesTheEarlierDeadLetter()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "purple")]);

        var next = await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "violet")]);

        Assert.Equal(1, next.DeadLettered);
        var letter = Assert.Single(await kit.Store.ListDeadLettersAsync(None));
        Assert.Equal("violet", letter.Change.Value);
        Assert.Equal(2, kit.Store.Audit.Count(a => a.Decision == AuditDecisions.DeadLettered));
    }

    [Fact]
    public async Task FlushAsync_WriteGivenUpAfterTransientFailures_IsNotHeld_TheNextCycleSendsIt()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        kit.Portal.WriteFault = (_, _) => new CrmException("Service unavailable", 503, null);
        await kit.Store.EnqueueAsync([kit.Health(id, "health_status", "red")], kit.Time.GetUtcNow(), None);
        await kit.CreateFlusher(new OutboxFlushOptions { MaxAttempts = 1 }).FlushAsync(None);
        Assert.False(Assert.Single(await kit.Store.ListDeadLettersAsync(None)).Rejected);
        kit.Portal.WriteFault = null;

        var next = await kit.EnqueueAndFlushAsync([kit.Health(id, "health_status", "red")]);

        Assert.Equal((1, 0), (next.Applied.Count, next.HeldRejected));
        Assert.Equal("red", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
        Assert.Empty(await kit.Store.ListDeadLettersAsync(None));
    }

    [Fact]
    public async Task FlushAsync_RecordDeletedInHubSpot_DeadLettersWithObjectNotFound()
    {
        var kit = new WriteBackTestKit();

        await kit.EnqueueAndFlushAsync([kit.Health("999999", "health_status", "red")]);

        Assert.Equal("OBJECT_NOT_FOUND", Assert.Single(await kit.Store.ListDeadLettersAsync(None)).Category);
    }

    [Fact]
    public async Task FlushAsync_WholeCallFailsTransiently_LeavesRowsPendingAndWritesThemNextFlush()
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 3).Select(i => kit.SeedProject("P" + i)).ToList();
        kit.Portal.WriteFault = (_, _) => new CrmException("503 after 4 attempts", 503, null);

        var failed = await kit.EnqueueAndFlushAsync(ids.Select(id => kit.Health(id, "health_status", "red")).ToList());
        kit.Portal.WriteFault = null;
        var pendingAfterFailure = await kit.Store.GetPendingAsync(None);
        var recovered = await kit.CreateFlusher().FlushAsync(None);

        Assert.Equal((3, 0), (failed.Retrying, failed.Applied.Count));
        Assert.All(pendingAfterFailure, e => Assert.Equal((1, "503 after 4 attempts"), (e.Attempts, e.LastError)));
        Assert.Equal(3, recovered.Applied.Count);
        Assert.All(ids, id => Assert.Equal("red", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status")));
        Assert.Empty(await kit.Store.GetPendingAsync(None));
    }

    [Fact]
    public async Task FlushAsync_CallFailsOnEveryFlush_DeadLettersAfterMaxAttempts()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        kit.Portal.WriteFault = (_, _) => new CrmException("Service unavailable", 503, null);
        await kit.Store.EnqueueAsync([kit.Health(id, "health_status", "red")], kit.Time.GetUtcNow(), None);
        var flusher = kit.CreateFlusher(new OutboxFlushOptions { MaxAttempts = 3 });

        var reports = new List<FlushReport>();
        for (var i = 0; i < 3; i++)
        {
            reports.Add(await flusher.FlushAsync(None));
        }

        Assert.Equal([1, 1, 0], reports.Select(r => r.Retrying));
        Assert.Equal(1, reports[2].DeadLettered);
        var letter = Assert.Single(await kit.Store.ListDeadLettersAsync(None));
        Assert.Equal(("HTTP_503", 3), (letter.Category, letter.Attempts));
        Assert.Empty(await kit.Store.GetPendingAsync(None));
    }

    [Fact]
    public async Task FlushAsync_QuotaExhausted_RethrowsAndKeepsRowsPendingWithoutCountingAnAttempt()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        kit.Portal.WriteFault = (_, _) => new CrmQuotaExceededException("daily quota used up");
        await kit.Store.EnqueueAsync([kit.Health(id, "health_status", "red")], kit.Time.GetUtcNow(), None);

        await Assert.ThrowsAsync<CrmQuotaExceededException>(() => kit.CreateFlusher().FlushAsync(None));

        var pending = Assert.Single(await kit.Store.GetPendingAsync(None));
        Assert.Equal(0, pending.Attempts);
    }

    [Fact]
    public async Task FlushAsync_TargetsAddressedByUniqueProperty_WritesByBatchUpsert()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("PRJ-7");
        kit.Portal.ResetCalls();
        var change = new OutboundChange(CrmObjectTypes.Projects, "PRJ-7", "health_status", "amber", "health", ConflictPolicy.LocalWins, kit.Time.GetUtcNow(), IdProperty: "project_code");

        var report = await kit.EnqueueAndFlushAsync([change]);
        var states = await kit.Store.GetPropertyStatesAsync([new RecordRef(CrmObjectTypes.Projects, id)], None);

        Assert.Equal("batch/upsert", Assert.Single(kit.Portal.Calls, c => c.IsWrite).Method);
        Assert.Equal("project_code:PRJ-7", Assert.Single(report.Applied).RecordKey);
        Assert.Equal("amber", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
        Assert.Equal("amber", states[new PropertyKey(CrmObjectTypes.Projects, id, "health_status")].PushedValue);
        Assert.Single(kit.Portal.All(CrmObjectTypes.Projects));
    }

    [Theory]
    [InlineData(ConflictPolicy.HubSpotWins, -10, "1500", AuditDecisions.KeptHubSpot)]
    [InlineData(ConflictPolicy.HubSpotWins, 10, "1500", AuditDecisions.KeptHubSpot)]
    [InlineData(ConflictPolicy.LocalWins, -10, "1200", AuditDecisions.OverwroteHubSpot)]
    [InlineData(ConflictPolicy.NewestWins, -10, "1500", AuditDecisions.KeptHubSpot)]
    [InlineData(ConflictPolicy.NewestWins, 10, "1200", AuditDecisions.OverwroteHubSpot)]
    public async Task FlushAsync_PersonEditedTheFieldInHubSpot_ResolvesPerPolicyAndAudits(
        ConflictPolicy policy, int localChangeMinutesAfterEdit, string expectedInHubSpot, string expectedDecision)
    {
        var kit = new WriteBackTestKit();
        var (dealId, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Website", "closedwon", 1000m);
        await kit.PullAsync(CrmObjectTypes.Deals, [dealId], "amount");
        kit.Time.Advance(TimeSpan.FromHours(1));
        kit.Portal.EditAsPerson(CrmObjectTypes.Deals, dealId, "amount", "1500");
        var editedAt = kit.Time.GetUtcNow();
        kit.Time.Advance(TimeSpan.FromHours(1));
        await kit.PullAsync(CrmObjectTypes.Deals, [dealId], "amount");
        kit.Portal.ResetCalls();
        var local = new OutboundChange(CrmObjectTypes.Deals, dealId, "amount", "1200", "mapping:deals.amount", policy, editedAt.AddMinutes(localChangeMinutesAfterEdit));

        await kit.EnqueueAndFlushAsync([local]);

        Assert.Equal(expectedInHubSpot, kit.Portal.Get(CrmObjectTypes.Deals, dealId).Get("amount"));
        var audit = Assert.Single(kit.Store.Audit, a => a.RecordKey == dealId);
        Assert.Equal((expectedDecision, "1500", "1200", policy.Name(), "mapping:deals.amount"), (audit.Decision, audit.Before, audit.After, audit.Policy, audit.Source));
        Assert.Equal(expectedDecision == AuditDecisions.KeptHubSpot ? 0 : 1, kit.Portal.WriteCalls);
    }

    [Theory]
    [InlineData(ConflictPolicy.HubSpotWins)]
    [InlineData(ConflictPolicy.NewestWins)]
    public async Task FlushAsync_SameConflictKeptEveryCycle_AuditedOnceAndAgainOnlyWhenAValueChanges(ConflictPolicy policy)
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.EnqueueAndFlushAsync(await StampedAsync(kit, id, "Budget on track", policy));
        kit.Time.Advance(TimeSpan.FromHours(1));
        kit.Portal.EditAsPerson(CrmObjectTypes.Projects, id, "health_reasons", "Client asked for a pause");
        kit.Time.Advance(TimeSpan.FromMinutes(5));
        await kit.PullAsync(CrmObjectTypes.Projects, [id], "health_reasons");

        var cycles = new List<FlushReport>();
        for (var cycle = 0; cycle < 3; cycle++)
        {
            cycles.Add(await kit.EnqueueAndFlushAsync(await StampedAsync(kit, id, "Budget on track", policy)));
            kit.Time.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.All(cycles, c => Assert.Single(c.KeptHubSpot));
        var kept = Assert.Single(kit.Store.Audit, a => a.Decision == AuditDecisions.KeptHubSpot);
        Assert.Equal(("Client asked for a pause", "Budget on track", policy.Name(), "health"), (kept.Before, kept.After, kept.Policy, kept.Source));
        Assert.Equal("Client asked for a pause", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_reasons"));

        // The local value changes after the person's edit: newest-wins now writes it, hubspot-wins keeps the person's
        // value again — a new decision, audited once more.
        var changed = await kit.EnqueueAndFlushAsync(await StampedAsync(kit, id, "Budget 12% over", policy));
        var last = kit.Store.Audit[^1];

        if (policy == ConflictPolicy.NewestWins)
        {
            Assert.Equal((AuditDecisions.OverwroteHubSpot, "Client asked for a pause", "Budget 12% over"), (last.Decision, last.Before, last.After));
            Assert.Equal("Budget 12% over", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_reasons"));
            Assert.Null((await States(kit, id))[new PropertyKey(CrmObjectTypes.Projects, id, "health_reasons")].Kept);
        }
        else
        {
            Assert.Single(changed.KeptHubSpot);
            Assert.Equal((AuditDecisions.KeptHubSpot, "Client asked for a pause", "Budget 12% over"), (last.Decision, last.Before, last.After));
            Assert.Equal("Client asked for a pause", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_reasons"));
        }

        Assert.Equal(2, kit.Store.Audit.Count(a => a.Decision is AuditDecisions.KeptHubSpot or AuditDecisions.OverwroteHubSpot));
    }

    [Fact]
    public async Task FlushAsync_HubSpotWinsOnAnEmptyPropertyAndOnItsOwnValue_FillsAndUpdatesWithoutAConflict()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.PullAsync(CrmObjectTypes.Projects, [id], "health_status");

        var filled = await kit.EnqueueAndFlushAsync(await StampedAsync(kit, id, "green", ConflictPolicy.HubSpotWins, "health_status"));
        kit.Time.Advance(TimeSpan.FromMinutes(5));
        await kit.PullAsync(CrmObjectTypes.Projects, [id], "health_status");
        var updated = await kit.EnqueueAndFlushAsync(await StampedAsync(kit, id, "amber", ConflictPolicy.HubSpotWins, "health_status"));

        Assert.Equal((1, 1), (filled.Applied.Count, updated.Applied.Count));
        Assert.Equal("amber", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
        Assert.Equal([AuditDecisions.Pushed, AuditDecisions.Pushed], kit.Store.Audit.Select(a => a.Decision));
    }

    /// <summary>One desired value dated as a cycle dates it: by when the local value last changed.</summary>
    private static async Task<List<OutboundChange>> StampedAsync(WriteBackTestKit kit, string projectId, string value, ConflictPolicy policy, string property = "health_reasons")
    {
        var change = kit.Health(projectId, property, value, policy);
        var states = await kit.Store.GetPropertyStatesAsync([change.Record], None);
        return DesiredValues.Stamp([change], states, kit.Time.GetUtcNow());
    }

    private static Task<IReadOnlyDictionary<PropertyKey, PropertyState>> States(WriteBackTestKit kit, string projectId) =>
        kit.Store.GetPropertyStatesAsync([new RecordRef(CrmObjectTypes.Projects, projectId)], None);

    [Fact]
    public async Task FlushAsync_NewestWinsWithHistoryTimestampOlderThanLocal_PushesDespiteANewerUpdatedAt()
    {
        var kit = new WriteBackTestKit();
        var (dealId, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Website", "closedwon", 1500m);
        var amountChangedAt = kit.Time.GetUtcNow();
        kit.Time.Advance(TimeSpan.FromHours(2));
        kit.Portal.EditAsPerson(CrmObjectTypes.Deals, dealId, "dealname", "Website v2");
        var record = kit.Portal.Get(CrmObjectTypes.Deals, dealId);
        await kit.Store.RecordObservedAsync(
            [new ObservedRecord(CrmObjectTypes.Deals, dealId, new Dictionary<string, string?> { ["amount"] = "1500" }, record.UpdatedAt, new Dictionary<string, DateTimeOffset> { ["amount"] = amountChangedAt })],
            None);
        var local = new OutboundChange(CrmObjectTypes.Deals, dealId, "amount", "1200", "mapping:deals.amount", ConflictPolicy.NewestWins, amountChangedAt.AddHours(1));

        await kit.EnqueueAndFlushAsync([local]);

        Assert.Equal("1200", kit.Portal.Get(CrmObjectTypes.Deals, dealId).Get("amount"));
    }

    [Fact]
    public async Task FlushAsync_HubSpotHoldsTheWorkersOwnEarlierPush_UpdatesWithoutAConflict()
    {
        var kit = new WriteBackTestKit();
        var (dealId, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Website", "closedwon", null);
        await kit.PullAsync(CrmObjectTypes.Deals, [dealId], "amount");
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        await kit.EnqueueAndFlushAsync([new OutboundChange(CrmObjectTypes.Deals, dealId, "amount", "1000", "mapping:deals.amount", ConflictPolicy.HubSpotWins, kit.Time.GetUtcNow())]);
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        await kit.PullAsync(CrmObjectTypes.Deals, [dealId], "amount");
        kit.Time.Advance(TimeSpan.FromMinutes(1));

        await kit.EnqueueAndFlushAsync([new OutboundChange(CrmObjectTypes.Deals, dealId, "amount", "1100", "mapping:deals.amount", ConflictPolicy.HubSpotWins, kit.Time.GetUtcNow())]);

        Assert.Equal("1100", kit.Portal.Get(CrmObjectTypes.Deals, dealId).Get("amount"));
        Assert.All(kit.Store.Audit, a => Assert.Equal(AuditDecisions.Pushed, a.Decision));
    }

    [Fact]
    public async Task FlushAsync_NothingPending_ReadsNothingAndWritesNothing()
    {
        var kit = new WriteBackTestKit();

        var report = await kit.CreateFlusher().FlushAsync(None);

        Assert.Equal(0, report.WriteCalls);
        Assert.Empty(kit.Portal.Calls);
    }

    [Fact]
    public void Constructor_BatchSizeAbove100_Throws()
    {
        var kit = new WriteBackTestKit();

        Assert.Throws<ArgumentOutOfRangeException>(() => kit.CreateFlusher(new OutboxFlushOptions { BatchSize = 101 }));
    }

    [Fact]
    public async Task FlushAsync_ValueReplacedWhileFlushing_KeepsTheNewerValuePending()
    {
        var kit = new WriteBackTestKit();
        var id = kit.SeedProject("P1");
        await kit.Store.EnqueueAsync([kit.Health(id, "health_status", "amber")], kit.Time.GetUtcNow(), None);
        var racing = new RacingWriter(kit.Portal, () => kit.Store.EnqueueAsync([kit.Health(id, "health_status", "red")], kit.Time.GetUtcNow(), None).GetAwaiter().GetResult());

        await new OutboxFlusher(kit.Store, racing, kit.Time).FlushAsync(None);
        var pending = Assert.Single(await kit.Store.GetPendingAsync(None));
        await kit.CreateFlusher().FlushAsync(None);

        Assert.Equal("red", pending.Change.Value);
        Assert.Equal("red", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status"));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task DrainAsync_UnderRandomFaultsAndLostResponses_HubSpotEndsAsPlannedOrInDeadLetters(int seed)
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 450).Select(i => kit.SeedProject("P" + i)).ToList();
        await kit.PullAsync(CrmObjectTypes.Projects, ids, "health_status", "health_score");
        var changes = ids.SelectMany((id, i) => new[]
        {
            kit.Health(id, "health_status", i == 7 ? "purple" : "amber"),
            kit.Health(id, "health_score", (i % 90).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        }).ToList();
        var plan = await WriteBackPlanner.PlanAsync(kit.Store, changes, null, None);
        await kit.Store.EnqueueAsync(changes, kit.Time.GetUtcNow(), None);
        var flaky = new FlakyWriter(kit.Portal, new Random(seed));

        var report = await new OutboxFlusher(kit.Store, flaky, kit.Time).DrainAsync(None);

        Assert.True(flaky.Failures > 0);
        Assert.Empty(await kit.Store.GetPendingAsync(None));
        var dead = (await kit.Store.ListDeadLettersAsync(None)).Select(d => d.Change.Key).ToHashSet();
        Assert.Equal(0, report.Retrying);
        foreach (var update in plan.Updates)
        {
            var key = new PropertyKey(update.ObjectType, update.RecordKey, update.Property);
            Assert.True(
                dead.Contains(key) || kit.Portal.Get(update.ObjectType, update.RecordKey).Get(update.Property) == update.After,
                $"{key} neither written nor dead-lettered");
        }

        Assert.Contains(new PropertyKey(CrmObjectTypes.Projects, ids[7], "health_status"), dead);
        Assert.All(await kit.Store.ListDeadLettersAsync(None), d => Assert.False(string.IsNullOrEmpty(d.Message)));
    }

    /// <summary>Fails a third of the update calls: half before HubSpot applies them, half after (the response is lost).</summary>
    private sealed class FlakyWriter(FakeCrmPortal portal, Random random) : DelegatingCrmWriter(portal)
    {
        public int Failures { get; private set; }

        public override async Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
        {
            var roll = random.NextDouble();
            if (roll < 0.17)
            {
                Failures++;
                throw new CrmException("503 Service Unavailable after retries", 503, null);
            }

            var result = await base.BatchUpdateAsync(objectType, updates, cancellationToken);
            if (roll < 0.33)
            {
                Failures++;
                throw new CrmException("connection reset after the request was sent", null, null);
            }

            return result;
        }
    }

    /// <summary>Enqueues a newer value while the batch update is in flight.</summary>
    private sealed class RacingWriter(FakeCrmPortal portal, Action duringUpdate) : DelegatingCrmWriter(portal)
    {
        public override async Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
        {
            duringUpdate();
            return await base.BatchUpdateAsync(objectType, updates, cancellationToken);
        }
    }
}
