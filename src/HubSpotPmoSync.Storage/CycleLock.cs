using System.Globalization;
using HubSpotPmoSync.Core.Storage;

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

    /// <summary>How often <see cref="AcquireAsync"/> tries before it reports the lock held.</summary>
    private const int AcquireAttempts = 10;

    /// <summary>The pause between two tries (a probe holds the file far shorter; a cycle far longer).</summary>
    private static readonly TimeSpan AcquireRetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The lock file: the database's path with <c>.lock</c> appended.</summary>
    public string LockPath { get; }

    /// <summary>The lock file of a database.</summary>
    public static string PathFor(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.DatabasePath + ".lock";
    }

    /// <summary>
    /// Takes the lock of <paramref name="database"/>, or throws <see cref="CycleLockedException"/> when another cycle
    /// holds it (after half a second of short retries, which outlast any <see cref="Probe"/>'s read). The file
    /// (and its folder) is created when missing, owner-read/write only like the database.
    /// </summary>
    /// <param name="holder">Who takes it, e.g. <c>sync</c>, written into the file with the process id.</param>
    /// <param name="now">When, as written into the file.</param>
    /// <param name="cancellationToken">Stops the short retries (see <see cref="AcquireAttempts"/>).</param>
    public static async Task<CycleLock> AcquireAsync(SqliteDatabase database, string holder, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var path = PathFor(database);
        var folder = Path.GetDirectoryName(path);
        try
        {
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (UnauthorizedAccessException e) when (database.Explain(e) is { } explained)
        {
            throw explained;
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream file;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                file = new FileStream(path, options);
                break;
            }
            catch (UnauthorizedAccessException e) when (database.Explain(e) is { } explained)
            {
                // The folder (or the lock file) is not writable for this user: name the setting, not only the file.
                throw explained;
            }
            catch (IOException e) when (File.Exists(path))
            {
                // A cycle holds it for its whole length; a Probe (status) for the microseconds of a read. A few short
                // retries tell the two apart, so that status never makes a starting cycle give up.
                if (attempt == AcquireAttempts)
                {
                    throw new CycleLockedException(database.DatabasePath, path, e);
                }

                // Real time on purpose: this waits for the operating system's lock, not for business time.
                await Task.Delay(AcquireRetryDelay, cancellationToken).ConfigureAwait(false);
            }
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

    /// <summary>
    /// Whether a cycle holds the lock of <paramref name="database"/> now, and otherwise who held it last (the file's
    /// line), without taking it: the file is read under a shared lock, which the operating system refuses while a cycle
    /// holds the exclusive one. Nothing is created.
    /// </summary>
    public static CycleLockState Probe(SqliteDatabase database)
    {
        var path = PathFor(database);
        if (!File.Exists(path))
        {
            return new CycleLockState(false, null);
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(file);
            var line = reader.ReadToEnd().Trim();
            return new CycleLockState(false, line.Length == 0 ? null : line);
        }
        catch (IOException) when (File.Exists(path))
        {
            return new CycleLockState(true, null);
        }
    }

    /// <summary>Releases the lock. The file stays: deleting it could let two processes lock two different files.</summary>
    public void Dispose() => _file.Dispose();
}
