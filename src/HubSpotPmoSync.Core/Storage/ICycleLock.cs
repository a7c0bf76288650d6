namespace HubSpotPmoSync.Core.Storage;

/// <summary>
/// One writing cycle at a time on a store, across processes and machines (in the spirit of Quartz's
/// <c>ISemaphore</c>: one port, one implementation per store, so the orchestration never names the database). The
/// lock belongs to the holder's process or session, so a holder that dies, however it dies, releases it: there is
/// never a stale lock to clean up.
/// </summary>
public interface ICycleLock
{
    /// <summary>
    /// Takes the lock, or throws <see cref="CycleLockedException"/> when another cycle holds it. Dispose the handle to
    /// release it.
    /// </summary>
    /// <param name="holder">Who takes it (e.g. <c>incremental cycle</c>), recorded for <see cref="ProbeAsync"/>.</param>
    /// <param name="now">When, as recorded.</param>
    Task<IAsyncDisposable> AcquireAsync(string holder, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Whether a cycle holds the lock now and, when free, who held it last; takes nothing and creates nothing.</summary>
    Task<CycleLockState> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>What <see cref="ICycleLock.ProbeAsync"/> saw.</summary>
/// <param name="Held">A cycle holds the lock now.</param>
/// <param name="LastHolder">When free: the last holder's line (process id, what it ran, since when), if any.</param>
public sealed record CycleLockState(bool Held, string? LastHolder);

/// <summary>Another cycle holds the store's cycle lock: this one did nothing.</summary>
public sealed class CycleLockedException : Exception
{
    /// <summary>The lock of a SQLite database: an advisory lock on the file <paramref name="lockPath"/>.</summary>
    public CycleLockedException(string databasePath, string lockPath, Exception? inner = null)
        : base($"another cycle is running on the database '{databasePath}' (it holds '{lockPath}', which names its process); "
            + "one cycle at a time per database, so this one did nothing. Try again when it has finished.", inner)
    {
        DatabasePath = databasePath;
        LockPath = lockPath;
    }

    public CycleLockedException()
        : this(string.Empty, string.Empty)
    {
    }

    public CycleLockedException(string message)
        : base(message)
    {
        DatabasePath = string.Empty;
        LockPath = string.Empty;
    }

    public CycleLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
        DatabasePath = string.Empty;
        LockPath = string.Empty;
    }

    private CycleLockedException(string message, string store, string lockName)
        : base(message)
    {
        DatabasePath = store;
        LockPath = lockName;
    }

    /// <summary>The store another cycle is running on (a SQLite file's path, or a PostgreSQL database named without its password).</summary>
    public string DatabasePath { get; }

    /// <summary>The lock it holds: the lock file, or the PostgreSQL advisory lock.</summary>
    public string LockPath { get; }

    /// <summary>The lock of a server database, held by another session (<paramref name="holder"/> names it when known).</summary>
    public static CycleLockedException HeldOnServer(string store, string lockName, string? holder) => new(
        $"another cycle is running on {store} (its session holds {lockName}{(holder is null ? "" : ": " + holder)}); "
        + "one cycle at a time per database, so this one did nothing. Try again when it has finished.",
        store,
        lockName);
}
