using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>The targeted ingest: records named by id (webhook events) re-read and stored like a cycle's pages.</summary>
public sealed partial class SyncRunner
{
    /// <summary>
    /// Re-reads the records named in <paramref name="ids"/> by id (batch read) with their links, and stores them as a
    /// cycle stores a page: mapping, ledger, content hash, links from both sides. An id HubSpot no longer returns
    /// (deleted, or merged into another record) is archived locally with its links, when the store holds it. Cursors
    /// do not move: the scheduled cycles keep them. The last commit also marks <paramref name="inboxEvents"/>
    /// processed, in its transaction; a kind without ids still commits (an empty page) when it carries them.
    /// </summary>
    /// <returns>Per kind, what was read and stored (pages are the commits, calls the HubSpot requests).</returns>
    /// <exception cref="ArgumentException">A kind in <paramref name="ids"/> is not mapped.</exception>
    public async Task<SyncReport> IngestByIdsAsync(
        IReadOnlyDictionary<EntityKind, IReadOnlyCollection<string>> ids, IReadOnlyList<long> inboxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(inboxEvents);
        var unmapped = ids.Keys.Where(k => _mappings.For(k) is null).ToList();
        if (unmapped.Count > 0)
        {
            throw new ArgumentException($"not mapped in {_mappings.File}: {string.Join(", ", unmapped.Select(k => k.Plural()))}", nameof(ids));
        }

        var kinds = ids.Where(p => p.Value.Count > 0).Select(p => p.Key).Order().ToList();
        if (kinds.Count == 0 && inboxEvents.Count > 0)
        {
            kinds = [_mappings.Objects.Keys.Order().First()];
        }

        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        var request = new SyncRequest(false, kinds, false);
        var reports = new List<ObjectSyncReport>();
        for (var i = 0; i < kinds.Count; i++)
        {
            using var run = new ObjectRun(this, _mappings.For(kinds[i])!, request, null, started);
            var settles = i == kinds.Count - 1 ? inboxEvents : [];
            reports.Add(await run.IngestAsync(ids.GetValueOrDefault(kinds[i]) ?? [], settles, cancellationToken));
        }

        return new SyncReport(false, false, startedAt, _time.GetElapsedTime(started), reports);
    }

    private sealed partial class ObjectRun
    {
        private const int BatchReadSize = 100;

        // Inbox rows settled by the last page this run commits.
        private IReadOnlyList<long> _settles = [];

        public async Task<ObjectSyncReport> IngestAsync(IReadOnlyCollection<string> ids, IReadOnlyList<long> settles, CancellationToken ct)
        {
            _settles = settles;
            var before = await owner._store.GetCursorAsync(Kind, ct);
            _cursor = before;
            await LoadStagesAsync(ct);

            var records = new List<CrmRecord>();
            var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
            if (wanted.Count > 0)
            {
                for (var call = 0; call < (wanted.Count + BatchReadSize - 1) / BatchReadSize; call++)
                {
                    CountCall();
                }

                var read = await owner._source.BatchReadAsync(mapping.HubSpotObject, wanted, mapping.StoredProperties, ct);
                records.AddRange(read.Records);
                if (read.MissingIds.Count > 0)
                {
                    // Gone from HubSpot (archived, or merged away): archived here as HubSpot keeps it, with the values stored.
                    var now = owner._time.GetUtcNow();
                    foreach (var stored in await owner._store.GetRecordsAsync(Kind, read.MissingIds, ct))
                    {
                        records.Add(stored.Archived
                            ? new CrmRecord(stored.Id, stored.Properties, stored.CreatedAt, stored.UpdatedAt, true, stored.ArchivedAt)
                            : new CrmRecord(stored.Id, stored.Properties, stored.CreatedAt, stored.UpdatedAt, true, now));
                    }
                }
            }

            // One page, committed with the unchanged cursor; the fast phase reads links from both sides.
            await ProcessPagesAsync([new PageRead(records, c => c)], SyncPhase.Fast, ct);
            Report(SyncPhase.Done);
            return new ObjectSyncReport(
                Kind, _seen, _created, _updated, _unchanged, _archived, _restored, _excluded, _failing, _pages, _calls, _links,
                before, _cursor, new SortedDictionary<string, long>(_fieldChanges, StringComparer.Ordinal), _issues);
        }
    }
}
