namespace HubSpotPmoSync.Testing.Emulator;

/// <summary>Questions about the emulator's request counters (<c>Stats().Requests</c>, keyed <c>"METHOD /route/template STATUS"</c>).</summary>
public static class EmulatorCalls
{
    /// <summary>
    /// Whether a counter key is a write call: an API request that is not a GET, a batch read or a search (creates,
    /// updates, upserts, archives, links, schema changes). The control API under <c>/__emulator</c> is never one.
    /// </summary>
    public static bool IsWrite(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split(' ');
        var (method, route) = (parts[0], parts.Length > 1 ? parts[1] : string.Empty);
        if (route.StartsWith("/__emulator", StringComparison.Ordinal) || method is "GET" or "HEAD")
        {
            return false;
        }

        return !(method == "POST" && (route.EndsWith("/batch/read", StringComparison.Ordinal) || route.EndsWith("/search", StringComparison.Ordinal)));
    }
}
