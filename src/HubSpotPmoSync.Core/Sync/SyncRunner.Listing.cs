using System.Globalization;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>
/// The listing of a first sync or full reconcile, partitioned when the type is large (docs/sync.md, "Partitioned
/// listing"). The list cursor reads from the lowest ids; after its first page one search (highest id, count) sizes
/// the rest, which is split into id ranges (<see cref="SyncPartitionPlanner"/>). Searches by id range take ranges
/// from the highest down, the list cursor takes the next range up when it reaches it and nobody has started it, so
/// both meet wherever their speeds make them meet. Every range is read by exactly one reader, and each commits its
/// position with its pages (<see cref="SyncCursorState.Partitions"/>), so a kill resumes every range where it was.
/// </summary>
/// <remarks>
/// Search lags writes: a record written shortly before or during the listing may be missing from a search range, or
/// show its previous values. The incremental cursors cover it: when a search read part of the listing, the settled
/// cursor starts <see cref="SyncOptions.SettleWindow"/> before the listing started (instead of at its start), so the
/// settle pass re-reads every record modified from then on once search shows it — the window the settle pass already
/// trusts to be indexed. A record created during the listing with an id above every range falls in the last, open one
/// or is read by the fast pass (modified after the listing started).
/// </remarks>
public sealed partial class SyncRunner
{
    // Searches of one type at once: enough to keep search's 5 requests a second busy at a few hundred milliseconds a
    // round trip; the HubSpot client's limiter decides how many calls are really in flight.
    private const int SearchReadersPerObject = 3;

    // Each partition's position is committed with every page of the type: a few dozen rows at most.
    private const int MaxPartitions = 64;

    private sealed partial class ObjectRun
    {
        // The partitions as this process schedules them, and the list cursor's progress; under _gate.
        private readonly HashSet<int> _searching = [];
        private readonly TaskCompletionSource<bool> _listGoesOn = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private List<SyncPartition> _board = [];
        private bool _listFinished;
        private bool _idsNotNumeric;
        private long _listLowest = long.MaxValue;
        private long _listHighest = long.MinValue;

        private async Task ListAsync(CancellationToken ct)
        {
            if (!_cursor.ListInProgress)
            {
                _cursor = _cursor with { ListInProgress = true, ListAfter = null, ListStartedAt = owner._time.GetUtcNow(), Partitions = [] };
            }

            lock (_gate)
            {
                _board = _cursor.Partitions.OrderBy(p => p.Index).ToList();
                _listFinished = _board.Count > 0 && !_board.Any(p => p.Reader == SyncPartitionReader.List && !p.Done);
            }

            var calls = Calls;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var readers = new List<Task>();
            if (!_listFinished)
            {
                readers.Add(ListReaderAsync(stop.Token));
            }

            if (_board.Count > 0)
            {
                readers.Add(SearchReadersAsync(stop.Token));
            }
            else if (owner._options.PartitionSize > 0)
            {
                readers.Add(PlanThenSearchAsync(stop.Token));
            }

            await WhenAllAsync(readers, stop);
            CountEmptyPass(calls);
            if (_cursor.ListInProgress)
            {
                await SaveCursorAsync(CompleteListing, ct);
            }
        }

        private SyncCursorState CompleteListing(SyncCursorState c) => c with
        {
            Listed = true,
            ListInProgress = false,
            ListAfter = null,
            Partitions = [],
            Fast = c.Fast ?? c.ListStartedAt,
            Settled = c.Settled ?? (c.Partitions.Any(p => p.Reader == SyncPartitionReader.Search)
                ? c.ListStartedAt - owner._options.SettleWindow
                : c.ListStartedAt),
            ArchivedSweepInProgress = c.ArchivedSweepInProgress || owner._options.SweepArchived,
            ArchivedAfter = c.ArchivedSweepInProgress ? c.ArchivedAfter : null,
        };

        private async Task ListReaderAsync(CancellationToken ct)
        {
            var options = new CrmListOptions(Archived: false, StartAfter: _cursor.ListAfter, PageSize: owner._options.ListPageSize);
            try
            {
                await RunPassAsync(ListPages(owner._source.ListAsync(mapping.HubSpotObject, mapping.StoredProperties, options, ct)), SyncPhase.List, ct);
            }
            finally
            {
                _listGoesOn.TrySetResult(false);
            }
        }

        private async IAsyncEnumerable<PageRead> ListPages(IAsyncEnumerable<CrmPage> source)
        {
            await foreach (var page in source)
            {
                CountCall();
                ListPage taken;
                lock (_gate)
                {
                    taken = TakeListPage(page);
                }

                _listGoesOn.TrySetResult(!taken.Finished);
                var next = page.NextAfter;
                yield return new PageRead(taken.Records, c => AdvanceList(c, next, taken));
                if (taken.Finished)
                {
                    yield break;
                }
            }
        }

        private sealed record ListPage(IReadOnlyList<CrmRecord> Records, bool Finished, IReadOnlyList<int> Claimed);

        /// <summary>
        /// The records of a list page the list cursor reads: those up to its last range, taking the next ranges up while
        /// no search has started them; the list stops at a range a search reads, or at the end of the list (then the
        /// ranges nobody started are empty, and it takes them). Under <see cref="_gate"/>.
        /// </summary>
        private ListPage TakeListPage(CrmPage page)
        {
            var highest = long.MinValue;
            foreach (var record in page.Records)
            {
                if (!long.TryParse(record.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    _idsNotNumeric = true;
                    continue;
                }

                _listLowest = Math.Min(_listLowest, id);
                highest = Math.Max(highest, id);
            }

            _listHighest = Math.Max(_listHighest, highest);
            var claimed = new List<int>();
            var bound = ListBound();
            while (bound is { } b && highest > b && NextForList() is { } next)
            {
                _board[next] = _board[next] with { Reader = SyncPartitionReader.List };
                claimed.Add(next);
                bound = ListBound();
            }

            IReadOnlyList<CrmRecord> records = page.Records;
            var finished = page.NextAfter is null;
            if (bound is { } upTo && highest > upTo)
            {
                // The next range is a search's: the list cursor's part ends here.
                records = page.Records.Where(r => !long.TryParse(r.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= upTo).ToList();
                finished = true;
            }
            else if (finished)
            {
                while (NextForList() is { } empty)
                {
                    _board[empty] = _board[empty] with { Reader = SyncPartitionReader.List };
                    claimed.Add(empty);
                }
            }

            if (finished)
            {
                _listFinished = true;
                for (var i = 0; i < _board.Count; i++)
                {
                    if (_board[i].Reader == SyncPartitionReader.List)
                    {
                        _board[i] = _board[i] with { Done = true };
                    }
                }
            }

            return new ListPage(records, finished, claimed);
        }

        /// <summary>The highest id the list cursor reads (null: no bound). Under <see cref="_gate"/>.</summary>
        private long? ListBound()
        {
            if (_board.Count == 0)
            {
                return null;
            }

            var last = _board.LastOrDefault(p => p.Reader == SyncPartitionReader.List);
            return last is null ? _board[0].After : last.UpTo;
        }

        /// <summary>The index of the range above the list cursor's when nobody has started it. Under <see cref="_gate"/>.</summary>
        private int? NextForList()
        {
            var next = _board.FindLastIndex(p => p.Reader == SyncPartitionReader.List) + 1;
            return next < _board.Count && _board[next].Reader == SyncPartitionReader.Pending ? next : null;
        }

        private SyncCursorState AdvanceList(SyncCursorState c, string? next, ListPage taken)
        {
            if (c.Partitions.Count == 0)
            {
                return taken.Finished ? CompleteListing(c) : c with { ListAfter = next };
            }

            var partitions = c.Partitions
                .Select(p => taken.Claimed.Contains(p.Index) ? p with { Reader = SyncPartitionReader.List } : p)
                .Select(p => taken.Finished && p.Reader == SyncPartitionReader.List ? p with { Done = true } : p)
                .ToList();
            return c with { ListAfter = taken.Finished ? null : next, Partitions = partitions };
        }

        /// <summary>
        /// Once the list cursor goes on past its first page: one search for the highest id and the count; when what is
        /// left above the list cursor is more than one partition, the plan is committed and the searches start.
        /// </summary>
        private async Task PlanThenSearchAsync(CancellationToken ct)
        {
            if (!await _listGoesOn.Task.WaitAsync(ct))
            {
                return;
            }

            CountCall();
            var extent = await owner._source.SearchIdExtentAsync(mapping.HubSpotObject, ct);
            if (extent is null)
            {
                return;
            }

            await _commitGate.WaitAsync(ct);
            try
            {
                List<SyncPartition> plan;
                lock (_gate)
                {
                    if (_listFinished || _idsNotNumeric)
                    {
                        return;
                    }

                    plan = SyncPartitionPlanner.Plan(_listHighest, _listLowest, extent.HighestId, extent.Total, owner._options.PartitionSize, MaxPartitions).ToList();
                    if (plan.Count == 0)
                    {
                        return;
                    }

                    // The list cursor is in the lowest range already.
                    plan[0] = plan[0] with { Reader = SyncPartitionReader.List };
                    _board = plan.ToList();
                }

                var next = _cursor with { Partitions = plan };
                if (!DryRun)
                {
                    await owner._store.SaveCursorAsync(next, ct);
                }

                _cursor = next;
            }
            finally
            {
                _commitGate.Release();
            }

            await SearchReadersAsync(ct);
        }

        private Task SearchReadersAsync(CancellationToken ct) =>
            Task.WhenAll(Enumerable.Range(0, SearchReadersPerObject).Select(_ => SearchLoopAsync(ct)));

        private async Task SearchLoopAsync(CancellationToken ct)
        {
            while (true)
            {
                SyncPartition? partition;
                lock (_gate)
                {
                    partition = ClaimForSearch();
                }

                if (partition is null)
                {
                    return;
                }

                await SearchPartitionAsync(partition, ct);
            }
        }

        /// <summary>The highest range nobody reads now that is not done (a search's from a killed run resumes). Under <see cref="_gate"/>.</summary>
        private SyncPartition? ClaimForSearch()
        {
            var index = _board.FindLastIndex(p => !p.Done && !_searching.Contains(p.Index) && p.Reader != SyncPartitionReader.List);
            if (index < 0)
            {
                return null;
            }

            _searching.Add(index);
            _board[index] = _board[index] with { Reader = SyncPartitionReader.Search };
            return _board[index];
        }

        private async Task SearchPartitionAsync(SyncPartition partition, CancellationToken ct)
        {
            var index = partition.Index;
            var window = new CrmIdWindow(partition.Position ?? partition.After, partition.UpTo);
            await RunPassAsync(Pages(owner._source.SearchIdsAsync(mapping.HubSpotObject, window, mapping.StoredProperties, ct), page =>
            {
                long? last = page.Records.Count == 0
                    ? null
                    : page.Records.Max(r => long.TryParse(r.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : long.MinValue);
                return c => c with { Partitions = Replace(c.Partitions, index, p => p with { Reader = SyncPartitionReader.Search, Position = last ?? p.Position }) };
            }), SyncPhase.List, ct);

            await SaveCursorAsync(c => c with { Partitions = Replace(c.Partitions, index, p => p with { Reader = SyncPartitionReader.Search, Done = true }) }, ct);
            lock (_gate)
            {
                _board[index] = _board[index] with { Done = true };
                _searching.Remove(index);
            }
        }

        private static List<SyncPartition> Replace(IReadOnlyList<SyncPartition> partitions, int index, Func<SyncPartition, SyncPartition> change) =>
            partitions.Select(p => p.Index == index ? change(p) : p).ToList();

        /// <summary>Waits for every reader; the first failure stops the others (what they committed stays) and is thrown.</summary>
        private static async Task WhenAllAsync(List<Task> readers, CancellationTokenSource stop)
        {
            var pending = readers.ToList();
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending);
                pending.Remove(done);
                if (!done.IsCompletedSuccessfully)
                {
                    await stop.CancelAsync();
                }
            }

            if (readers.Any(r => !r.IsCompletedSuccessfully))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(FirstFailure(readers));
            }
        }
    }
}
