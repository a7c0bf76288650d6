using System.Runtime.ExceptionServices;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync.Completeness;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>
/// The inbound sync: HubSpot → local delivery model, losing nothing. The object types run at once; per object type:
/// <list type="number">
/// <item>first sync or full reconcile: list every record page by page (the list cursor committed with each page, so a
/// crash resumes after the last committed page) — a large type split into id ranges read by searches beside the list
/// cursor (see <c>SyncRunner.Listing.cs</c> and docs/sync.md) — then sweep archived records;</item>
/// <item>a fast search pass on the last-modified property from the fast cursor (minus <see cref="SyncOptions.Overlap"/>);</item>
/// <item>a settle pass re-reading [settled cursor, now − <see cref="SyncOptions.SettleWindow"/>], whose end becomes the
/// settled cursor, the one that counts.</item>
/// </list>
/// Each page — records, ledger rows, links of the configured association pairs and the cursor — is committed in one
/// transaction; association reads run beside the reads of the next pages. Records whose content hash is unchanged are counted and not written. A record whose value fails its
/// transform is stored as failing with the reason; the others flow.
/// </summary>
public sealed partial class SyncRunner
{
    private const int AssociationBatch = 1000;
    private readonly object _progressGate = new();
    private readonly ICrmSource _source;
    private readonly IDeliveryStore _store;
    private readonly MappingSet _mappings;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;
    private readonly CompletenessCheck? _completeness;

    /// <param name="completeness">The completeness check run after the passes of an incremental cycle (null: none).</param>
    public SyncRunner(ICrmSource source, IDeliveryStore store, MappingSet mappings, SyncOptions options, TimeProvider time, CompletenessCheck? completeness = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _source = source;
        _store = store;
        _mappings = mappings;
        _options = options;
        _time = time;
        _completeness = completeness;
    }

    /// <summary>Runs one sync cycle. A dry run reads only and writes nothing anywhere.</summary>
    /// <exception cref="ArgumentException">An object kind in the request is not mapped.</exception>
    public async Task<SyncReport> RunAsync(SyncRequest request, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kinds = request.Objects is { Count: > 0 } requested ? requested.Distinct().Order().ToList() : _mappings.Objects.Keys.Order().ToList();
        var unmapped = kinds.Where(k => _mappings.For(k) is null).ToList();
        if (unmapped.Count > 0)
        {
            throw new ArgumentException($"not mapped in {_mappings.File}: {string.Join(", ", unmapped.Select(k => k.Plural()))}", nameof(request));
        }

        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        long? runId = request.DryRun
            ? null
            : await _store.StartRunAsync(request.Full ? "sync-full" : "sync", startedAt, cancellationToken);
        // The object types run at once. A failure of one stops the others and fails the run, as a failure stopped the
        // run when they ran one after another; every page committed stays, and the next run resumes from there.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = kinds.Select(kind => Task.Run(
            async () =>
            {
                using var run = new ObjectRun(this, _mappings.For(kind)!, request, progress, started);
                try
                {
                    return await run.RunAsync(stop.Token);
                }
                catch (Exception)
                {
                    await stop.CancelAsync();
                    throw;
                }
            },
            CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(runs);
        }
        catch (Exception) when (runId is not null)
        {
            var e = FirstFailure(runs);
            var outcome = e is OperationCanceledException ? "cancelled" : "failed";
            await _store.FinishRunAsync(runId.Value, _time.GetUtcNow(), outcome, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
            ExceptionDispatchInfo.Throw(e);
        }
        catch (Exception)
        {
            ExceptionDispatchInfo.Throw(FirstFailure(runs));
        }

        var passes = runs.Select(r => r.Result).ToList();
        IReadOnlyList<ObjectSyncReport> reports = passes;
        CompletenessReport? completeness = null;
        if (_completeness is not null && request.Completeness && !request.DryRun)
        {
            try
            {
                var listed = passes.Where(r => request.Full || !r.CursorBefore.Listed || r.CursorBefore.ListInProgress).Select(r => r.Kind).ToList();
                completeness = await _completeness.RunAsync(kinds, listed, cancellationToken);
                reports = CompletenessCheck.Fold(passes, completeness);
            }
            catch (Exception e) when (runId is not null)
            {
                var outcome = e is OperationCanceledException ? "cancelled" : "failed";
                await _store.FinishRunAsync(runId.Value, _time.GetUtcNow(), outcome, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
                throw;
            }
        }

        var report = new SyncReport(request.DryRun, request.Full, startedAt, _time.GetElapsedTime(started), reports) { Completeness = completeness };
        if (runId is not null)
        {
            await _store.FinishRunAsync(runId.Value, _time.GetUtcNow(), "succeeded", report.Summary(), CancellationToken.None);
        }

        return report;
    }

    /// <summary>The first object's failure in object order, a real failure before a cancellation.</summary>
    private static Exception FirstFailure(IEnumerable<Task> tasks)
    {
        var failures = tasks.Where(t => t.IsFaulted || t.IsCanceled)
            .Select(t => t.Exception?.InnerException ?? new OperationCanceledException())
            .ToList();
        return failures.FirstOrDefault(e => e is not OperationCanceledException) ?? failures[0];
    }

    // Objects report from several threads at once; a progress display need not be thread-safe.
    private void ReportProgress(IProgress<SyncProgress>? progress, SyncProgress value)
    {
        if (progress is null)
        {
            return;
        }

        lock (_progressGate)
        {
            progress.Report(value);
        }
    }
}
