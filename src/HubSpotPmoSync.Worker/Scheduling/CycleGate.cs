namespace HubSpotPmoSync.Worker.Scheduling;

/// <summary>
/// One cycle at a time across every scheduled job: <c>[DisallowConcurrentExecution]</c> keeps a job from overlapping
/// itself, this gate keeps the incremental cycle and the full reconcile from overlapping each other (both write the
/// same cursors, ledger and outbox). A singleton.
/// </summary>
internal sealed class CycleGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    /// <summary>Waits for the gate; dispose the result to release it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_semaphore);
    }

    /// <summary>Enters at once when the gate is free; null when a cycle is in flight.</summary>
    public IDisposable? TryEnter() => _semaphore.Wait(0) ? new Releaser(_semaphore) : null;

    public void Dispose() => _semaphore.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
