using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Telemetry;

namespace HubSpotPmoSync.Core.Sync.Completeness;

/// <summary>
/// The completeness check's instruments on the worker's meter: <c>pmosync.completeness.calls</c> (counter, tag
/// <c>object</c>) and <c>pmosync.completeness.progress</c> (gauge 0–1, tag <c>object</c>: how far the rolling pass has got).
/// </summary>
public sealed class CompletenessMetrics
{
    /// <summary>The calls counter's name.</summary>
    public const string CallsName = "pmosync.completeness.calls";

    /// <summary>The progress gauge's name.</summary>
    public const string ProgressName = "pmosync.completeness.progress";

    private readonly Counter<long> _calls;
    private readonly Gauge<double> _progress;

    public CompletenessMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(PmoSyncMeter.Name);
        _calls = meter.CreateCounter<long>(CallsName, "{call}", "HubSpot calls the completeness check made (archived lists, batch reads, association reads)");
        _progress = meter.CreateGauge<double>(ProgressName, null, "How far the completeness check's rolling pass over the object type has got (1 = a whole pass just completed)");
    }

    /// <summary>Records one cycle's check of one object type.</summary>
    public void Record(EntityKind kind, long calls, double progress)
    {
        var tag = new KeyValuePair<string, object?>("object", kind.Plural());
        _calls.Add(calls, tag);
        _progress.Record(progress, tag);
    }
}
