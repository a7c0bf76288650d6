using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Telemetry;

namespace HubSpotPmoSync.Worker.Telemetry;

/// <summary>
/// What the scheduled cycles record on the worker's meter: the records each pull took in by object and outcome, how
/// long each cycle ran, and how far behind now each object's settled cursor is (read when scraped, so the lag keeps
/// growing while cycles fail or stop). One per process.
/// </summary>
internal sealed class CycleMetrics
{
    public const string Records = "pmosync.sync.records";
    public const string Duration = "pmosync.cycle.duration";
    public const string FreshnessLag = "pmosync.sync.freshness_lag";

    /// <summary>Histogram buckets in seconds: from a quiet incremental cycle to a first sync of a large portal.</summary>
    internal static readonly IReadOnlyList<double> DurationBuckets = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Counter<long> _records;
    private readonly Histogram<double> _duration;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task<IReadOnlyDictionary<EntityKind, DateTimeOffset>>> _readCursors;
    private readonly ConcurrentDictionary<EntityKind, DateTimeOffset> _settled = new();
    private int _seeded;

    public CycleMetrics(IMeterFactory meterFactory, IDeliveryStore store, TimeProvider time)
        : this(meterFactory, time, ct => ReadSettledAsync(store, ct))
    {
    }

    internal CycleMetrics(IMeterFactory meterFactory, TimeProvider time, Func<CancellationToken, Task<IReadOnlyDictionary<EntityKind, DateTimeOffset>>> readCursors)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _time = time;
        _readCursors = readCursors;
        var meter = meterFactory.Create(PmoSyncMeter.Name);
        _records = meter.CreateCounter<long>(Records, "{record}", "Records a cycle's pull took in, by object and outcome (created, updated, unchanged, archived, restored, failing, excluded).");
        _duration = meter.CreateHistogram(
            Duration,
            "s",
            "How long a scheduled cycle (pull, score, push) ran, by outcome (succeeded, failed, cancelled) and kind (incremental, full).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableGauge(FreshnessLag, ObserveLag, "s", "Now minus the object's settled cursor: every HubSpot change older than this is in the local model.");
    }

    /// <summary>Records a finished cycle: its duration and outcome, and — when it pulled — its records and settled cursors.</summary>
    public void CycleFinished(bool full, string outcome, TimeSpan duration, SyncReport? pull)
    {
        _duration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("kind", full ? "full" : "incremental"));
        if (pull is null || pull.DryRun)
        {
            return;
        }

        foreach (var o in pull.Objects)
        {
            var name = o.Kind.Plural();
            Add(name, "created", o.Created);
            Add(name, "updated", o.Updated);
            Add(name, "unchanged", o.Unchanged);
            Add(name, "archived", o.Archived);
            Add(name, "restored", o.Restored);
            Add(name, "failing", o.Failing);
            Add(name, "excluded", o.Excluded);
            if (o.CursorAfter.Settled is { } settled)
            {
                _settled[o.Kind] = settled;
            }
        }
    }

    private void Add(string objectName, string outcome, long count) =>
        _records.Add(count, new KeyValuePair<string, object?>("object", objectName), new KeyValuePair<string, object?>("outcome", outcome));

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        // Until a cycle of this process reports its cursors, the store's (one read: a restarted worker shows its lag at once).
        if (Interlocked.Exchange(ref _seeded, 1) == 0)
        {
            try
            {
                foreach (var (kind, settled) in _readCursors(CancellationToken.None).GetAwaiter().GetResult())
                {
                    _settled.TryAdd(kind, settled);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // An unreadable database is /readyz's to report; the lag shows once a cycle has run.
            }
        }

        var now = _time.GetUtcNow();
        foreach (var (kind, settled) in _settled.OrderBy(s => s.Key))
        {
            yield return new Measurement<double>(Math.Max(0, (now - settled).TotalSeconds), new KeyValuePair<string, object?>("object", kind.Plural()));
        }
    }

    private static async Task<IReadOnlyDictionary<EntityKind, DateTimeOffset>> ReadSettledAsync(IDeliveryStore store, CancellationToken cancellationToken)
    {
        var settled = new Dictionary<EntityKind, DateTimeOffset>();
        foreach (var kind in EntityKinds.All)
        {
            if ((await store.GetCursorAsync(kind, cancellationToken).ConfigureAwait(false)).Settled is { } at)
            {
                settled[kind] = at;
            }
        }

        return settled;
    }
}
