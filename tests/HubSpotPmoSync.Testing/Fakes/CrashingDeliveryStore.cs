using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Testing.Fakes;

/// <summary>The exception a <see cref="CrashingDeliveryStore"/> throws to simulate the process dying.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException() : base("simulated crash") { }

    public SimulatedCrashException(string message) : base(message) { }

    public SimulatedCrashException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Wraps a store and "crashes" (throws <see cref="SimulatedCrashException"/>) instead of committing the
/// <see cref="CrashAtCommit"/>-th page: that page is lost, every earlier one is committed — as when a process is
/// killed in the middle of a page.
/// </summary>
public sealed class CrashingDeliveryStore(IDeliveryStore inner) : IDeliveryStore
{
    private readonly object _gate = new();
    private int _commits;
    private int _crashAt;
    private bool _crashed;

    /// <summary>
    /// The 1-based page commit that fails; 0 = never. After it, every commit and cursor save fails too, of every type,
    /// as nothing more reaches the store of a killed process; setting it again starts a new process.
    /// </summary>
    public int CrashAtCommit
    {
        get => _crashAt;
        set
        {
            lock (_gate)
            {
                _crashAt = value;
                _crashed = false;
            }
        }
    }

    /// <summary>Commits that went through.</summary>
    public int Commits => _commits;

    /// <summary>The object type whose commits count towards <see cref="CrashAtCommit"/> (null: every type's).</summary>
    public EntityKind? Kind { get; set; }

    /// <summary>Called with every page that is committed (not with the one that crashes).</summary>
    public Action<PageCommit>? Committed { get; set; }

    public Task CommitPageAsync(PageCommit page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_gate)
        {
            if (_crashed)
            {
                throw new SimulatedCrashException();
            }
        }

        if (Kind is { } only && page.Kind != only)
        {
            Committed?.Invoke(page);
            return inner.CommitPageAsync(page, cancellationToken);
        }

        // The types commit at once: the count and the crash are decided one commit at a time.
        lock (_gate)
        {
            if (_crashed || (_crashAt > 0 && _commits + 1 == _crashAt))
            {
                _crashAt = 0;
                _crashed = true;
                throw new SimulatedCrashException();
            }

            _commits++;
        }

        Committed?.Invoke(page);
        return inner.CommitPageAsync(page, cancellationToken);
    }

    public Task<SyncCursorState> GetCursorAsync(EntityKind kind, CancellationToken cancellationToken) => inner.GetCursorAsync(kind, cancellationToken);

    public Task<IReadOnlyDictionary<string, StoredState>> GetStatesAsync(EntityKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.GetStatesAsync(kind, ids, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<DeliveryLink>>> GetLinksAsync(EntityKind from, EntityKind to, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken) =>
        inner.GetLinksAsync(from, to, fromIds, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetLinkedFromIdsAsync(EntityKind from, EntityKind to, IReadOnlyCollection<string> toIds, CancellationToken cancellationToken) =>
        inner.GetLinkedFromIdsAsync(from, to, toIds, cancellationToken);

    public Task SaveCursorAsync(SyncCursorState cursor, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_crashed)
            {
                throw new SimulatedCrashException();
            }
        }

        return inner.SaveCursorAsync(cursor, cancellationToken);
    }

    public Task SavePipelinesAsync(EntityKind kind, IReadOnlyList<CrmPipeline> pipelines, CancellationToken cancellationToken) =>
        inner.SavePipelinesAsync(kind, pipelines, cancellationToken);

    public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(EntityKind kind, CancellationToken cancellationToken) => inner.GetPipelinesAsync(kind, cancellationToken);

    public Task<LedgerEntry?> GetLedgerEntryAsync(EntityKind kind, string id, CancellationToken cancellationToken) => inner.GetLedgerEntryAsync(kind, id, cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> GetRecordsAsync(EntityKind kind, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken) =>
        inner.GetRecordsAsync(kind, ids, cancellationToken);

    public Task<long> StartRunAsync(string kind, DateTimeOffset startedAt, CancellationToken cancellationToken) => inner.StartRunAsync(kind, startedAt, cancellationToken);

    public Task FinishRunAsync(long runId, DateTimeOffset finishedAt, string outcome, string summary, CancellationToken cancellationToken) =>
        inner.FinishRunAsync(runId, finishedAt, outcome, summary, cancellationToken);

    public Task<DeliveryModelSnapshot> LoadModelAsync(CancellationToken cancellationToken) => inner.LoadModelAsync(cancellationToken);

    public Task<DeliveryExport> ExportAsync(IReadOnlyCollection<EntityKind>? kinds, CancellationToken cancellationToken) => inner.ExportAsync(kinds, cancellationToken);

    public Task<SyncStatus> GetStatusAsync(int lastRuns, CancellationToken cancellationToken) => inner.GetStatusAsync(lastRuns, cancellationToken);
}
