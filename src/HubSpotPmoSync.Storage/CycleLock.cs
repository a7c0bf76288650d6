using System.Globalization;

namespace HubSpotPmoSync.Storage;

/// <summary>
/// One writing cycle at a time on a database, across processes: <c>sync</c> started by cron while <c>run</c> is up
/// would otherwise pull with the same cursors and flush the same outbox rows twice (double writes to HubSpot, every
/// audit row twice). The lock is the operating system's: an exclusive advisory lock on the file
/// <c>&lt;database&gt;.lock</c> next to the database (<c>flock</c> on Linux and macOS, a sharing lock on Windows),
/// held by an open file for the whole cycle. The operating system releases it when the process ends, however it
/// ends (SIGKILL included), so there is never a stale lock to clean up. Within one process a second acquire fails
/// too: each acquire opens the file anew.
/// </summary>
/// <remarks>
/// The file holds the holder's process id and when it took the lock, for an operator (<c>cat</c> reads it; .NET
/// cannot while it is locked). The lock is advisory: a process that does not ask is not stopped, and
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1</c> turns it off for .NET processes.
/// </remarks>
public sealed class CycleLock : IDisposable
{
    private readonly FileStream _file;

    private CycleLock(FileStream file, string path)
    {
        _file = file;
        LockPath = path;
    }

    /// <summary>The lock file: the database's path with <c>.lock</c> appended.</summary>
    public string LockPath { get; }

    /// <summary>The lock file of a database.</summary>
    public static string PathFor(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.DatabasePath + ".lock";
    }

    /// <summary>
    /// Takes the lock of <paramref name="database"/> at once, or throws <see cref="CycleLockedException"/> when another
    /// cycle holds it. The file (and its folder) is created when missing, owner-read/write only like the database.
    /// </summary>
    /// <param name="holder">Who takes it, e.g. <c>sync</c>, written into the file with the process id.</param>
    /// <param name="now">When, as written into the file.</param>
    public static CycleLock Acquire(SqliteDatabase database, string holder, DateTimeOffset now)
    {
        var path = PathFor(database);
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream file;
        try
        {
            file = new FileStream(path, options);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new CycleLockedException(database.DatabasePath, path, e);
        }

        try
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, {holder}, since {now.ToUniversalTime():O}\n");
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            file.SetLength(0);
            file.Write(bytes);
            file.Flush();
            return new CycleLock(file, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock. The file stays: deleting it could let two processes lock two different files.</summary>
    public void Dispose() => _file.Dispose();
}

/// <summary>Another cycle holds the database's <see cref="CycleLock"/>: this one did nothing.</summary>
public sealed class CycleLockedException : Exception
{
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

    /// <summary>The database another cycle is running on.</summary>
    public string DatabasePath { get; }

    /// <summary>Its lock file.</summary>
    public string LockPath { get; }
}
