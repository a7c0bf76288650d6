namespace HubSpotPmoSync.Core.Crm;

/// <summary>Calls made to the CRM, by route and outcome, since the counter started.</summary>
/// <param name="Calls">Every HTTP attempt, keyed by "METHOD route-template" then by outcome ("200", "429", "reset" …).</param>
public sealed record CrmUsageSnapshot(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Calls)
{
    public long TotalCalls => Calls.Values.Sum(o => o.Values.Sum());

    public long Count(Func<string, bool> routeFilter, Func<string, bool>? outcomeFilter = null) =>
        Calls.Where(c => routeFilter(c.Key))
             .Sum(c => c.Value.Where(o => outcomeFilter is null || outcomeFilter(o.Key)).Sum(o => o.Value));

    public long RateLimited => Count(_ => true, o => o == "429");

    /// <summary>Calls that can change HubSpot's state (POST/PATCH/PUT/DELETE, excluding reads by POST such as search and batch read).</summary>
    public long WriteCalls => Count(IsWriteRoute);

    public static bool IsWriteRoute(string route) =>
        !route.StartsWith("GET ", StringComparison.Ordinal)
        && !route.EndsWith("/search", StringComparison.Ordinal)
        && !route.EndsWith("/batch/read", StringComparison.Ordinal);
}

/// <summary>Reads the call counters of the CRM adapter.</summary>
public interface ICrmUsage
{
    CrmUsageSnapshot Snapshot();
}
