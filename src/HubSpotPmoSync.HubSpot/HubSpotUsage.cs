using System.Collections.Concurrent;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot;

/// <summary>
/// Counts every HTTP attempt by "METHOD route-template" and outcome (status code, or reset / truncated /
/// timeout / canceled), retries included. One per process; read through <see cref="ICrmUsage"/>.
/// </summary>
internal sealed class HubSpotUsage : ICrmUsage
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _calls = new(StringComparer.Ordinal);

    public void Record(string route, string outcome)
    {
        var outcomes = _calls.GetOrAdd(route, static _ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
    }

    public CrmUsageSnapshot Snapshot() =>
        new(_calls.ToDictionary(
            c => c.Key,
            c => (IReadOnlyDictionary<string, long>)c.Value.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal),
            StringComparer.Ordinal));
}
