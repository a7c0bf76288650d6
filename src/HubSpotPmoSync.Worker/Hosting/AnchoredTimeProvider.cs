namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// A clock that starts at a fixed moment and then runs at the pace of another clock. The demo runs on it, so that its
/// built-in agency (the emulator's seed and the CSVs under config/demo) scores the same way whatever today's date is.
/// </summary>
internal sealed class AnchoredTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly TimeSpan _shift;

    public AnchoredTimeProvider(DateTimeOffset anchor, TimeProvider inner)
    {
        _inner = inner;
        _shift = anchor - inner.GetUtcNow();
    }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + _shift;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);
}
