using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

/// <summary>
/// Batch calls of one flush go out at once, within the client's budget: the outcomes are accounted as before, and the
/// writes to one record keep their order. The writer holds its calls until the expected ones are all in flight, so a
/// flusher that sent them one after another would never finish (the guard turns that into a failure).
/// </summary>
public sealed class OutboxFlusherConcurrencyTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FlushAsync_BatchesOfOneObjectType_GoOutTogether_AndARecordsWritesByItsOtherKeyWaitForThem()
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 150).Select(i => kit.SeedProject("P" + i)).ToList();
        kit.Portal.ResetCalls();
        var changes = ids.Select(id => kit.Health(id, "health_status", "amber")).ToList();

        // The same record as ids[0], addressed by its unique project code: written by upsert, after the writes by id.
        changes.Add(new OutboundChange(CrmObjectTypes.Projects, "P1", "health_status", "red", "health", ConflictPolicy.LocalWins, kit.Time.GetUtcNow(), IdProperty: "project_code"));
        await kit.Store.EnqueueAsync(changes, kit.Time.GetUtcNow(), None);
        var writer = new BarrierWriter(kit.Portal, together: 2);

        var report = await new OutboxFlusher(kit.Store, writer, kit.Time).FlushAsync(None).WaitAsync(Guard);

        Assert.Equal(2, writer.MostInFlight);
        Assert.Equal([(0, 2)], writer.UpsertsSaw);
        Assert.Equal(["batch/update", "batch/update", "batch/upsert"], kit.Portal.Calls.Where(c => c.IsWrite).Select(c => c.Method));
        Assert.Equal(3, report.WriteCalls);
        Assert.Equal(151, report.Applied.Count);
        Assert.Equal((0, 0), (report.DeadLettered, report.Retrying));
        Assert.Equal("red", kit.Portal.Get(CrmObjectTypes.Projects, ids[0]).Get("health_status"));
        Assert.All(ids.Skip(1), id => Assert.Equal("amber", kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status")));
        Assert.Empty(await kit.Store.GetPendingAsync(None));
        Assert.Equal(151, kit.Store.Audit.Count(a => a.Decision == AuditDecisions.Pushed));
    }

    [Fact]
    public async Task FlushAsync_BatchesOfDifferentObjectTypes_GoOutTogether()
    {
        var kit = new WriteBackTestKit();
        var project = kit.SeedProject("P1");
        var (deal, _) = WriteBackTestKit.SeedDeal(kit.Portal, "Rollout");
        kit.Portal.ResetCalls();
        await kit.Store.EnqueueAsync(
            [
                kit.Health(project, "health_status", "amber"),
                new OutboundChange(CrmObjectTypes.Deals, deal, "dealname", "Rollout phase 2", "kickoff", ConflictPolicy.LocalWins, kit.Time.GetUtcNow()),
            ],
            kit.Time.GetUtcNow(),
            None);
        var writer = new BarrierWriter(kit.Portal, together: 2);

        var report = await new OutboxFlusher(kit.Store, writer, kit.Time).FlushAsync(None).WaitAsync(Guard);

        Assert.Equal(2, writer.MostInFlight);
        Assert.Equal((2, 2), (report.WriteCalls, report.Applied.Count));
        Assert.Equal("Rollout phase 2", kit.Portal.Get(CrmObjectTypes.Deals, deal).Get("dealname"));
        Assert.Equal("amber", kit.Portal.Get(CrmObjectTypes.Projects, project).Get("health_status"));
    }

    [Fact]
    public async Task FlushAsync_QuotaUsedUpInOneBatch_TheBatchInFlightBesideItCommits_TheRestStaysPending()
    {
        var kit = new WriteBackTestKit();
        var ids = Enumerable.Range(1, 250).Select(i => kit.SeedProject("P" + i)).ToList();
        kit.Portal.ResetCalls();
        await kit.Store.EnqueueAsync(ids.Select(id => kit.Health(id, "health_status", "amber")).ToList(), kit.Time.GetUtcNow(), None);

        // The first batch (P1…) learns the daily share is used up while the second is in flight; the third waits for a slot.
        var writer = new BarrierWriter(kit.Portal, together: 2, failFirst: new CrmQuotaExceededException("daily quota share used up"));
        var flusher = new OutboxFlusher(kit.Store, writer, kit.Time, new OutboxFlushOptions { MaxConcurrentBatches = 2 });

        await Assert.ThrowsAsync<CrmQuotaExceededException>(() => flusher.FlushAsync(None).WaitAsync(Guard));

        // The third batch is sent only if the second freed its slot before the first's failure was seen (a race by
        // nature); after the failure is seen, none is. Whatever was not written stays pending, no attempt counted.
        Assert.InRange(writer.Calls, 2, 3);
        var pending = await kit.Store.GetPendingAsync(None);
        Assert.Equal(writer.Calls == 2 ? 150 : 100, pending.Count);
        Assert.All(pending, p => Assert.Equal(0, p.Attempts));
        var written = ids.Count(id => kit.Portal.Get(CrmObjectTypes.Projects, id).Get("health_status") == "amber");
        Assert.Equal(250 - pending.Count, written);
        Assert.Equal(written, kit.Store.Audit.Count(a => a.Decision == AuditDecisions.Pushed));
        Assert.Empty(await kit.Store.ListDeadLettersAsync(None));
    }

    [Fact]
    public void Constructor_NoConcurrentBatches_Throws()
    {
        var kit = new WriteBackTestKit();

        Assert.Throws<ArgumentOutOfRangeException>(() => kit.CreateFlusher(new OutboxFlushOptions { MaxConcurrentBatches = 0 }));
    }

    /// <summary>
    /// Holds every update call until <c>together</c> of them are in flight (or one upsert arrives), then lets them on to
    /// the portal. Records the most update calls in flight, and what each upsert saw of the updates.
    /// </summary>
    private sealed class BarrierWriter(FakeCrmPortal portal, int together, Exception? failFirst = null) : DelegatingCrmWriter(portal)
    {
        private readonly object _gate = new();
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _completed;

        public int MostInFlight { get; private set; }

        public int Calls { get; private set; }

        public List<(int InFlight, int Completed)> UpsertsSaw { get; } = [];

        public override async Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
        {
            int call;
            lock (_gate)
            {
                call = ++Calls;
                MostInFlight = Math.Max(MostInFlight, ++_inFlight);
                if (Calls >= together)
                {
                    _all.TrySetResult();
                }
            }

            try
            {
                await _all.Task;
                if (call == 1 && failFirst is not null)
                {
                    throw failFirst;
                }

                return await base.BatchUpdateAsync(objectType, updates, cancellationToken);
            }
            finally
            {
                lock (_gate)
                {
                    _inFlight--;
                    _completed++;
                }
            }
        }

        public override Task<CrmBatchResult> BatchUpsertAsync(string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                UpsertsSaw.Add((_inFlight, _completed));
                _all.TrySetResult();
            }

            return base.BatchUpsertAsync(objectType, idProperty, upserts, cancellationToken);
        }
    }
}
