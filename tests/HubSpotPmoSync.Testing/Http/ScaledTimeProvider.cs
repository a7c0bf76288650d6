namespace HubSpotPmoSync.Testing.Http;

/// <summary>
/// A clock that runs <c>scale</c> times faster than the real one: timers fire after 1/scale of their due time.
/// Lets HTTP tests against a live server honour a 1-second <c>Retry-After</c> in 50 ms (scale 20) while the
/// client under test still believes it waited a second.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly double _scale;
    private readonly long _startTimestamp;
    private readonly DateTimeOffset _startUtc;

    public ScaledTimeProvider(double scale, TimeProvider? inner = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        _scale = scale;
        _inner = inner ?? System;
        _startTimestamp = _inner.GetTimestamp();
        _startUtc = _inner.GetUtcNow();
    }

    public double Scale => _scale;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override long GetTimestamp() => _startTimestamp + (long)((_inner.GetTimestamp() - _startTimestamp) * _scale);

    public override DateTimeOffset GetUtcNow() => _startUtc + GetElapsedTime(_startTimestamp, GetTimestamp());

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, Shrink(dueTime), Shrink(period));

    private TimeSpan Shrink(TimeSpan value) =>
        value == Timeout.InfiniteTimeSpan || value <= TimeSpan.Zero ? value : TimeSpan.FromTicks(Math.Max(1, (long)(value.Ticks / _scale)));
}
