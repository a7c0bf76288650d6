namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>
/// A token bucket shaped like HubSpot's rolling windows: <see cref="Capacity"/> tokens, and a spent token comes
/// back one <see cref="Interval"/> after its call <em>completed</em>. Returning tokens on completion rather than
/// on send makes the bucket at least as strict as the server's count by arrival time, so the client can spend
/// the whole budget without tripping it. The portal's headers correct capacity, interval and use by others.
/// </summary>
internal sealed class RollingWindowBudget : IDisposable
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _turnstile = new(1, 1);
    private readonly PriorityQueue<long, long> _returns = new();
    private readonly TimeProvider _timeProvider;
    private int _inFlight;

    public RollingWindowBudget(string name, int? capacity, TimeSpan interval, TimeProvider timeProvider)
    {
        Name = name;
        Capacity = capacity;
        Interval = interval;
        _timeProvider = timeProvider;
    }

    public string Name { get; }

    /// <summary>Calls allowed per window; null = not throttled (until the portal reports a limit).</summary>
    public int? Capacity { get; private set; }

    public TimeSpan Interval { get; private set; }

    /// <summary>Tokens spent and not yet back, in-flight calls included.</summary>
    public int Used
    {
        get
        {
            lock (_gate)
            {
                Purge(Now);
                return _returns.Count + _inFlight;
            }
        }
    }

    private long Now => _timeProvider.GetUtcNow().UtcTicks;

    /// <summary>Waits until a token is free and takes it. Waiters are served one at a time, in arrival order.</summary>
    /// <returns>How long the caller waited.</returns>
    public async ValueTask<TimeSpan> AcquireAsync(CancellationToken cancellationToken)
    {
        // Fast path only when nobody is queued, so a newcomer never overtakes a waiter.
        if (_turnstile.CurrentCount > 0 && TryTake(out _))
        {
            return TimeSpan.Zero;
        }

        var started = _timeProvider.GetTimestamp();
        await _turnstile.WaitAsync(cancellationToken);
        try
        {
            while (!TryTake(out var wait))
            {
                await Task.Delay(wait, _timeProvider, cancellationToken);
            }
        }
        finally
        {
            _turnstile.Release();
        }

        return _timeProvider.GetElapsedTime(started);
    }

    /// <summary>The call that took a token has completed; the token comes back one interval from now.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _inFlight--;
            var now = Now;
            _returns.Enqueue(now + Interval.Ticks, now + Interval.Ticks);
        }
    }

    /// <summary>A token was taken but no call was sent; it comes back at once.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    /// <summary>
    /// Applies what the portal said about this window: its size, its length and how many calls it still allows.
    /// When the portal allows fewer calls than the bucket holds (another client shares the app, or the window
    /// was misjudged), the difference is marked spent until one interval from now.
    /// </summary>
    /// <returns>True when the bucket changed.</returns>
    public bool Correct(int? max, int? remaining, TimeSpan? interval)
    {
        lock (_gate)
        {
            var changed = false;
            if (max is > 0 && max != Capacity)
            {
                Capacity = max;
                changed = true;
            }

            if (interval is { } i && i > TimeSpan.Zero && i != Interval)
            {
                Interval = i;
                changed = true;
            }

            if (remaining is { } r && Capacity is { } capacity)
            {
                var now = Now;
                Purge(now);
                var excess = capacity - (_returns.Count + _inFlight) - Math.Max(r, 0);
                for (var k = 0; k < excess; k++)
                {
                    _returns.Enqueue(now + Interval.Ticks, now + Interval.Ticks);
                }

                changed |= excess > 0;
            }

            return changed;
        }
    }

    /// <summary>The portal refused a call for this window: treat the window as full until it rolls.</summary>
    public void MarkExhausted(TimeSpan? interval) => Correct(null, 0, interval);

    private bool TryTake(out TimeSpan wait)
    {
        lock (_gate)
        {
            var now = Now;
            Purge(now);
            if (Capacity is not { } capacity || _returns.Count + _inFlight < capacity)
            {
                _inFlight++;
                wait = TimeSpan.Zero;
                return true;
            }

            // Every token is spent. The earliest one comes back at the head of the queue; if all are in flight,
            // none can come back sooner than one interval from now.
            wait = _returns.TryPeek(out _, out var back) && back > now
                ? TimeSpan.FromTicks(back - now)
                : Interval;
            return false;
        }
    }

    public void Dispose() => _turnstile.Dispose();

    private void Purge(long now)
    {
        while (_returns.TryPeek(out _, out var back) && back <= now)
        {
            _returns.Dequeue();
        }
    }
}
