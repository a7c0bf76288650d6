namespace HubSpotPmoSync.Core.Health;

/// <summary>Port for reading one project's health history (the snapshots each scoring run stored).</summary>
public interface IHealthHistoryStore
{
    /// <summary>
    /// The snapshots of one project with an as-of moment in [<paramref name="from"/>, <paramref name="to"/>), oldest
    /// first. Several runs of one moment come in the order they ran.
    /// </summary>
    IReadOnlyList<HealthSnapshot> LoadHealthHistory(string projectId, DateTimeOffset from, DateTimeOffset to);
}
