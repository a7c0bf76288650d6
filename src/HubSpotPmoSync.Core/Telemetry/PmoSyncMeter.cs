namespace HubSpotPmoSync.Core.Telemetry;

/// <summary>
/// The one meter every part of the worker records its metrics on (System.Diagnostics.Metrics): create instruments
/// with <c>IMeterFactory.Create(PmoSyncMeter.Name)</c>; the metrics endpoint exports this meter.
/// </summary>
public static class PmoSyncMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "HubSpotPmoSync";
}
