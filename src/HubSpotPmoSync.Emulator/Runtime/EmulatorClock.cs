namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>
/// The emulator's clock: an underlying <see cref="TimeProvider"/> (the system clock, or a test's fake clock) plus an
/// offset, or frozen at an instant. Every timestamp the emulator writes and every rate-limit window reads it.
/// </summary>
internal sealed class EmulatorClock(TimeProvider inner) : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset? _frozenAt;
    private TimeSpan _offset;

    public TimeProvider Inner { get; } = inner;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => Inner.TimestampFrequency;

    public bool IsFrozen
    {
        get
        {
            lock (_gate)
            {
                return _frozenAt is not null;
            }
        }
    }

    public TimeSpan Offset
    {
        get
        {
            lock (_gate)
            {
                return _offset;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _frozenAt ?? Inner.GetUtcNow() + _offset;
        }
    }

    public long NowMs => GetUtcNow().ToUnixTimeMilliseconds();

    public override long GetTimestamp() => Inner.GetTimestamp();

    public void FreezeAt(DateTimeOffset instant)
    {
        lock (_gate)
        {
            _frozenAt = instant.ToUniversalTime();
        }
    }

    /// <summary>Lets time run again from the frozen instant (the offset absorbs the jump).</summary>
    public void Unfreeze()
    {
        lock (_gate)
        {
            if (_frozenAt is { } f)
            {
                _offset = f - Inner.GetUtcNow();
                _frozenAt = null;
            }
        }
    }

    public void Advance(TimeSpan delta)
    {
        lock (_gate)
        {
            if (_frozenAt is { } f)
            {
                _frozenAt = f + delta;
            }
            else
            {
                _offset += delta;
            }
        }
    }

    public void SetOffset(TimeSpan offset)
    {
        lock (_gate)
        {
            _offset = offset;
            _frozenAt = null;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _offset = TimeSpan.Zero;
            _frozenAt = null;
        }
    }
}
