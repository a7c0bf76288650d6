using Microsoft.Extensions.Configuration;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>Settings that still bind but have been superseded: each set one is a configuration warning saying what replaced it.</summary>
internal static class RetiredSettings
{
    /// <summary>A warning per retired setting present in <paramref name="configuration"/>.</summary>
    public static IEnumerable<string> Warnings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["Sync:SweepArchivedEveryRun"] is { Length: > 0 } sweep)
        {
            yield return $"Sync:SweepArchivedEveryRun ('{sweep}') is retired: every incremental cycle finds archives, restores, merges and "
                + "link-only changes by itself (Sync:CompletenessBudget, Sync:CompletenessWindow). Set to true it still lists every "
                + "archived record on every run, on top of that; remove it.";
        }
    }
}
