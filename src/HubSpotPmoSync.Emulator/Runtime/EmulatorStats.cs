using System.Collections.Concurrent;

namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>Counters for <c>GET /__emulator/stats</c>: requests by route and status, 429s by policy, faults, writes.</summary>
internal sealed class EmulatorStats
{
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _rateLimited = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FaultEvent> _faultEvents = new();
    private long _faultedWritesApplied;
    private long _faultedWritesNotApplied;

    public void Request(string route, int status) => _requests.AddOrUpdate($"{route} {status}", 1, (_, n) => n + 1);

    public void RateLimited(string policy) => _rateLimited.AddOrUpdate(policy, 1, (_, n) => n + 1);

    public void Write(string operation, long count = 1)
    {
        if (count > 0)
        {
            _writes.AddOrUpdate(operation, count, (_, n) => n + count);
        }
    }

    public void Fault(string kind, string method, string path, bool isWrite, bool applied)
    {
        _faults.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (isWrite)
        {
            if (applied)
            {
                Interlocked.Increment(ref _faultedWritesApplied);
            }
            else
            {
                Interlocked.Increment(ref _faultedWritesNotApplied);
            }
        }

        _faultEvents.Enqueue(new FaultEvent(kind, method, path, isWrite, isWrite && applied));
        while (_faultEvents.Count > 10_000 && _faultEvents.TryDequeue(out _))
        {
        }
    }

    public void Clear()
    {
        _requests.Clear();
        _rateLimited.Clear();
        _faults.Clear();
        _writes.Clear();
        _faultEvents.Clear();
        Interlocked.Exchange(ref _faultedWritesApplied, 0);
        Interlocked.Exchange(ref _faultedWritesNotApplied, 0);
    }

    public EmulatorStatsSnapshot Snapshot() => new(
        Sorted(_requests), Sorted(_rateLimited), Sorted(_faults), Sorted(_writes),
        Interlocked.Read(ref _faultedWritesApplied), Interlocked.Read(ref _faultedWritesNotApplied), [.. _faultEvents]);

    private static SortedDictionary<string, long> Sorted(ConcurrentDictionary<string, long> d) => new(d, StringComparer.Ordinal);
}
