namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>
/// Holds each API request for its class's round trip (±50 % jitter from a seeded generator) before it is answered.
/// Every request waits on its own timer of the underlying clock: a slow request never blocks another, and no lock is
/// held while waiting (the generator's lock only covers the draw).
/// </summary>
internal sealed class LatencyModel
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly List<(int Count, TaskCompletionSource Done)> _watchers = [];
    private Random _random = new(1);
    private volatile LatencySpec _spec = LatencySpec.None;
    private int _waiting;

    public LatencyModel(TimeProvider time, LatencySpec spec, int seed)
    {
        _time = time;
        Configure(spec, seed);
    }

    public LatencySpec Spec => _spec;

    public int Seed { get; private set; }

    /// <summary>Gets how many requests are waiting out their latency right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Replaces the spec and restarts the jitter generator from <paramref name="seed"/>.</summary>
    public void Configure(LatencySpec spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (_gate)
        {
            _random = new Random(seed);
            Seed = seed;
            _spec = spec;
        }
    }

    /// <summary>
    /// The class of a route: search; every associations endpoint; object list/get, batch read and writes; everything
    /// else (properties, schemas, pipelines, account usage) is <see cref="LatencyClass.Default"/>.
    /// </summary>
    public static LatencyClass Classify(Api.RouteInfo route) => route switch
    {
        { Limit: LimitKind.Search } => LatencyClass.Search,
        { Limit: LimitKind.Associations or LimitKind.AssociationsRecord } => LatencyClass.Associations,
        { Scopes: ScopeKind.Objects, IsWrite: true } => LatencyClass.Write,
        { Scopes: ScopeKind.Objects, Method: "GET" } => LatencyClass.List,
        { Scopes: ScopeKind.Objects } when route.Template.EndsWith("/batch/read", StringComparison.Ordinal) => LatencyClass.Batch,
        _ => LatencyClass.Default,
    };

    /// <summary>The delay of one request of <paramref name="latencyClass"/>: its value × a uniform factor in [0.5, 1.5).</summary>
    public TimeSpan Draw(LatencyClass latencyClass)
    {
        var nominal = _spec[latencyClass];
        if (nominal <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        double factor;
        lock (_gate)
        {
            factor = 0.5 + _random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(nominal.Ticks * factor));
    }

    /// <summary>Waits the drawn delay; completes synchronously (no allocation, no await) when the class has none.</summary>
    public ValueTask DelayAsync(LatencyClass latencyClass, CancellationToken cancellationToken)
    {
        var delay = Draw(latencyClass);
        return delay <= TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(WaitAsync(delay, cancellationToken));
    }

    /// <summary>Completes once at least <paramref name="count"/> requests are waiting at the same time (for tests).</summary>
    public Task WhenWaitingAsync(int count)
    {
        lock (_gate)
        {
            if (_waiting >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((count, done));
            return done.Task;
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        // The timer exists before the request counts as waiting, so whoever waits for it can move the clock at once.
        var timer = Task.Delay(delay, _time, cancellationToken);
        Entered();
        try
        {
            await timer.ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiting--;
            }
        }
    }

    private void Entered()
    {
        List<TaskCompletionSource>? release = null;
        lock (_gate)
        {
            _waiting++;
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (_watchers[i].Count <= _waiting)
                {
                    (release ??= []).Add(_watchers[i].Done);
                    _watchers.RemoveAt(i);
                }
            }
        }

        release?.ForEach(d => d.TrySetResult());
    }
}
