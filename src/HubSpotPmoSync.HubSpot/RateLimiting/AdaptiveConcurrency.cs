namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>
/// The calls of one rate budget allowed in flight at once, following Little's law: a budget of <c>R</c> calls a
/// second answered in a round trip of <c>T</c> seconds is spent with <c>R × T</c> calls in flight. The round trip is
/// an exponentially weighted average of the attempts that got an answer; the rate is the bucket's capacity over its
/// window, so a corrected <c>X-HubSpot-RateLimit-Max</c> changes the count at once. <see cref="Headroom"/> keeps
/// the budget spent when round trips vary; the bucket itself still stops every call beyond the budget, so the cap
/// only paces the calls (no burst of a whole window's calls at once) and never causes a 429. At most
/// <c>HubSpot:MaxConcurrency</c>; at least one. Waiters are served in arrival order.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's <c>ConcurrencyLimiter</c> has a fixed permit count; this gate's count moves
/// with every answer, hence its own small queue.
/// </remarks>
internal sealed class AdaptiveConcurrency
{
    /// <summary>In flight beyond <c>rate × round trip</c>, so that jitter in the round trips does not leave the budget unspent.</summary>
    public const double Headroom = 1.5;

    /// <summary>Weight of the newest round trip in the average.</summary>
    public const double Smoothing = 0.2;

    /// <summary>The round trip assumed until the first answer (HubSpot's list pages take about this long).</summary>
    public static readonly TimeSpan InitialRoundTrip = TimeSpan.FromMilliseconds(250);

    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private readonly RollingWindowBudget _budget;
    private double _roundTripSeconds;
    private bool _measured;
    private int _inFlight;

    public AdaptiveConcurrency(RollingWindowBudget budget, int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _budget = budget;
        MaxConcurrency = maxConcurrency;
        _roundTripSeconds = InitialRoundTrip.TotalSeconds;
    }

    public string Name => _budget.Name;

    public int MaxConcurrency { get; }

    /// <summary>The average round trip of this budget's calls (<see cref="InitialRoundTrip"/> until the first answer).</summary>
    public TimeSpan RoundTrip
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromSeconds(_roundTripSeconds);
            }
        }
    }

    /// <summary>The calls allowed in flight now: <c>⌈rate × round trip × headroom⌉</c>, from 1 to <see cref="MaxConcurrency"/>.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return LimitLocked();
            }
        }
    }

    /// <summary>Calls of this budget in flight now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Waits for a place among the calls in flight.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inFlight < LimitLocked())
            {
                _inFlight++;
                return;
            }

            node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        using var registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is null)
                {
                    return;
                }

                _waiters.Remove(node);
            }

            node.Value.TrySetCanceled(cancellationToken);
        });

        await node.Value.Task.ConfigureAwait(false);
    }

    /// <summary>A call has ended; <paramref name="roundTrip"/> is its round trip when it got an answer worth measuring.</summary>
    public void Release(TimeSpan? roundTrip)
    {
        lock (_gate)
        {
            _inFlight--;
            if (roundTrip is { } rtt && rtt >= TimeSpan.Zero)
            {
                _roundTripSeconds = _measured ? (Smoothing * rtt.TotalSeconds) + ((1 - Smoothing) * _roundTripSeconds) : rtt.TotalSeconds;
                _measured = true;
            }

            PumpLocked();
        }
    }

    /// <summary>The budget changed (the portal reported another limit): lets waiters in if the count grew.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            PumpLocked();
        }
    }

    private void PumpLocked()
    {
        var limit = LimitLocked();
        while (_inFlight < limit && _waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _inFlight++;
            first.Value.TrySetResult();
        }
    }

    private int LimitLocked()
    {
        if (_budget.Capacity is not { } capacity || _budget.Interval <= TimeSpan.Zero)
        {
            return MaxConcurrency;
        }

        var perSecond = capacity / _budget.Interval.TotalSeconds;
        var wanted = Math.Ceiling(perSecond * _roundTripSeconds * Headroom);
        return (int)Math.Clamp(wanted, 1, MaxConcurrency);
    }
}
