using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Worker.Cycle;

namespace HubSpotPmoSync.Worker.Http.Portfolio;

/// <summary>The portfolio as of now: the health report with each project's owners, and the local model it came from.</summary>
/// <param name="Owners">Per project id, the HubSpot owner ids of its deals (sorted, distinct).</param>
internal sealed record PortfolioView(HealthReport Report, IReadOnlyDictionary<string, IReadOnlyList<string>> Owners, DeliveryModelSnapshot Model);

/// <summary>The worker's state: the object cursors and last runs, whether a cycle runs now, and the dead letters.</summary>
/// <param name="HeldDeadLetters">Dead letters HubSpot rejected (held: not sent again until replayed or changed).</param>
internal sealed record WorkerState(DateTimeOffset Now, SyncStatus Status, CycleLockState Cycle, int DeadLetters, int HeldDeadLetters);

/// <summary>
/// Reads what the pages show, per request, through the same ports as the commands (<c>health</c>, <c>status</c>,
/// <c>budget report</c>): nothing is cached, so a reload shows the last cycle's work. Reads only; scoring here stores no
/// snapshot.
/// </summary>
internal sealed class PortfolioReader(
    IStorageView storage,
    ICycleLock cycleLock,
    IDeliveryStore store,
    IWriteBackStore writeBack,
    IHealthHistoryStore history,
    DeliveryCycle cycle,
    HealthRulesProvider rules,
    TimeProvider time)
{
    /// <summary>How far back a project's health chart goes.</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(90);

    /// <summary>Whether there is a database to read (before the first cycle there is none, and nothing is created).</summary>
    public Task<bool> HasDatabaseAsync(CancellationToken cancellationToken) => storage.ExistsAsync(cancellationToken);

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<PortfolioView> PortfolioAsync(CancellationToken cancellationToken)
    {
        var model = await store.LoadModelAsync(cancellationToken);
        var (health, rollup) = await cycle.ScoreAsync(model, rules.Rules, time.GetUtcNow(), saveSnapshots: false, cancellationToken);
        return new PortfolioView(HealthReport.Build(model, health, rollup), OwnersOf(model), model);
    }

    public async Task<BudgetReport> BudgetAsync(CancellationToken cancellationToken)
    {
        var model = await store.LoadModelAsync(cancellationToken);
        var (health, _) = await cycle.ScoreAsync(model, rules.Rules, time.GetUtcNow(), saveSnapshots: false, cancellationToken);
        return BudgetReportBuilder.Build(model, health);
    }

    /// <summary>One project's health history over <see cref="HistoryWindow"/>: the last snapshot of each day, oldest first.</summary>
    public IReadOnlyList<HealthSnapshot> History(string projectId)
    {
        var now = time.GetUtcNow();
        return [.. history.LoadHealthHistory(projectId, now - HistoryWindow, now.AddTicks(1))
            .GroupBy(s => DateOnly.FromDateTime(s.AsOf.UtcDateTime))
            .Select(day => day.Last())];
    }

    public async Task<WorkerState> WorkerStateAsync(int lastRuns, CancellationToken cancellationToken)
    {
        var status = await store.GetStatusAsync(lastRuns, cancellationToken);
        var letters = status.DatabaseExists ? await writeBack.ListDeadLettersAsync(cancellationToken) : [];
        return new WorkerState(time.GetUtcNow(), status, await cycleLock.ProbeAsync(cancellationToken), letters.Count, letters.Count(l => l.Rejected));
    }

    /// <summary>The owners of each project: the HubSpot owner ids of the deals it is linked to.</summary>
    internal static Dictionary<string, IReadOnlyList<string>> OwnersOf(DeliveryModelSnapshot model)
    {
        var dealOwners = model.Deals.Where(d => !d.Archived && !string.IsNullOrWhiteSpace(d.OwnerId))
            .ToDictionary(d => d.Id, d => d.OwnerId!, StringComparer.Ordinal);
        var owners = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var link in model.Links)
        {
            var (project, deal) = (link.From, link.To) switch
            {
                (EntityKind.Project, EntityKind.Deal) => (link.FromId, link.ToId),
                (EntityKind.Deal, EntityKind.Project) => (link.ToId, link.FromId),
                _ => (null, null),
            };
            if (project is not null && deal is not null && dealOwners.TryGetValue(deal, out var owner))
            {
                if (!owners.TryGetValue(project, out var set))
                {
                    owners[project] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(owner);
            }
        }

        return owners.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
    }
}
