using System.Diagnostics.Metrics;
using HubSpotPmoSync.Core.Telemetry;

namespace HubSpotPmoSync.Worker.Webhooks;

/// <summary>
/// The webhook instruments on the worker's meter: <c>pmosync.webhook.events</c> (events by outcome: received = taken
/// into the inbox, duplicate = already there, rejected = refused or of a type not handled, processed = re-read and
/// pushed) and <c>pmosync.webhook.inbox.age</c> (seconds the oldest event not yet pushed has waited; 0 when none).
/// </summary>
internal sealed class WebhookMetrics
{
    private readonly Counter<long> _events;
    private long _oldestPendingTicks = -1;

    public WebhookMetrics(IMeterFactory meters, TimeProvider time)
    {
        var meter = meters.Create(PmoSyncMeter.Name);
        _events = meter.CreateCounter<long>("pmosync.webhook.events", unit: "{event}", description: "Webhook events by outcome: received, duplicate, rejected, processed.");
        meter.CreateObservableGauge(
            "pmosync.webhook.inbox.age",
            () =>
            {
                var ticks = Interlocked.Read(ref _oldestPendingTicks);
                return ticks < 0 ? 0 : Math.Max(0, (time.GetUtcNow() - new DateTimeOffset(ticks, TimeSpan.Zero)).TotalSeconds);
            },
            unit: "s",
            description: "How long the oldest webhook event not yet processed has waited in the inbox.");
    }

    public void Count(string outcome, long events)
    {
        if (events > 0)
        {
            _events.Add(events, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Events arrived at <paramref name="at"/>: the oldest waiting one, unless older ones wait already.</summary>
    public void Arrived(DateTimeOffset at) => Interlocked.CompareExchange(ref _oldestPendingTicks, at.UtcTicks, -1);

    /// <summary>Records when the oldest waiting event arrived (null: the inbox is drained).</summary>
    public void OldestPending(DateTimeOffset? receivedAt) =>
        Interlocked.Exchange(ref _oldestPendingTicks, receivedAt is { } at ? at.UtcTicks : -1);
}

/// <summary>Wakes the processor when the endpoint has stored events (many signals, one wake-up).</summary>
internal sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised.
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
