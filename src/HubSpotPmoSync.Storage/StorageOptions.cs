namespace HubSpotPmoSync.Storage;

/// <summary>Where and how the local delivery model is stored.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section: <c>Storage</c>.</summary>
    public const string SectionName = "Storage";

    /// <summary>
    /// Path of the SQLite database file (created with mode 0600 when missing; its folder is created too).
    /// </summary>
    /// <value>The default value is <c>data/hubspot-pmo-sync.db</c>.</value>
    public string DatabasePath { get; set; } = "data/hubspot-pmo-sync.db";

    /// <summary>How long a writer waits for a lock held by another connection before failing.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
