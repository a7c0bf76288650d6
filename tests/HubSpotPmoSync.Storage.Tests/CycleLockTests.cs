using HubSpotPmoSync.Core.Storage;
using System.Diagnostics;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>
/// <see cref="CycleLock"/>: one cycle at a time per database, across processes. The other process here is
/// util-linux's <c>flock(1)</c>, which takes the same kind of lock on the same file: the lock is the operating
/// system's, not this process's bookkeeping, and a SIGKILLed holder leaves none behind.
/// </summary>
public sealed class CycleLockTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Acquire_WhileHeld_ThrowsNamingTheDatabaseAndTheLockFile_AndSucceedsOnceReleased()
    {
        var first = await CycleLock.AcquireAsync(_temp.Database, "sync", Now);

        var refused = await Assert.ThrowsAsync<CycleLockedException>(() => CycleLock.AcquireAsync(_temp.Database, "run", Now));
        Assert.Contains(_temp.Path_, refused.Message, StringComparison.Ordinal);
        Assert.Contains(_temp.Path_ + ".lock", refused.Message, StringComparison.Ordinal);
        Assert.Contains("did nothing", refused.Message, StringComparison.Ordinal);
        Assert.Equal(_temp.Path_ + ".lock", refused.LockPath);

        first.Dispose();
        using var second = await CycleLock.AcquireAsync(_temp.Database, "run", Now);
        Assert.Equal(first.LockPath, second.LockPath);
    }

    [Fact]
    public async Task Acquire_NewLockFile_IsOwnerOnlyAndNamesTheHolderForAnOperator()
    {
        using (await CycleLock.AcquireAsync(_temp.Database, "full cycle", Now))
        {
        }

        var path = _temp.Path_ + ".lock";
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal($"pid {Environment.ProcessId}, full cycle, since 2026-11-22T09:30:00.0000000+00:00\n", File.ReadAllText(path));
        Assert.False(File.Exists(_temp.Path_), "taking the lock creates no database");
    }

    [Fact]
    public async Task Acquire_HeldByAnotherProcess_IsRefused_UntilThatProcessIsKilled()
    {
        using (await CycleLock.AcquireAsync(_temp.Database, "sync", Now))
        {
            // The folder and file exist now; another process holds them next.
        }

        using var holder = StartFlock(nonBlocking: false, "sleep", "120");
        await WaitUntilAsync(() => FlockHolds(), TimeSpan.FromSeconds(20));

        await Assert.ThrowsAsync<CycleLockedException>(() => CycleLock.AcquireAsync(_temp.Database, "sync", Now));

        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        await WaitUntilAsync(() => !FlockHolds(), TimeSpan.FromSeconds(20));
        using var taken = await CycleLock.AcquireAsync(_temp.Database, "sync", Now);
    }

    [Fact]
    public async Task Acquire_HeldHere_IsSeenByAnotherProcess()
    {
        using var held = await CycleLock.AcquireAsync(_temp.Database, "sync", Now);

        using var probe = StartFlock(nonBlocking: true, "true");
        probe.WaitForExit();

        Assert.NotEqual(0, probe.ExitCode);
    }

    [Fact]
    public async Task Probe_SaysWhetherACycleHoldsTheLock_AndWhoHeldItLast_WithoutTakingOrCreatingIt()
    {
        Assert.Equal(new CycleLockState(false, null), CycleLock.Probe(_temp.Database));
        Assert.False(File.Exists(_temp.Path_ + ".lock"), "a probe creates no lock file");

        using (await CycleLock.AcquireAsync(_temp.Database, "full cycle", Now))
        {
            Assert.Equal(new CycleLockState(true, null), CycleLock.Probe(_temp.Database));
        }

        Assert.Equal(new CycleLockState(false, $"pid {Environment.ProcessId}, full cycle, since 2026-11-22T09:30:00.0000000+00:00"), CycleLock.Probe(_temp.Database));
        using var taken = await CycleLock.AcquireAsync(_temp.Database, "sync", Now);
    }

    /// <summary>
    /// A probe (a shared lock for the microseconds of a read) at the moment a cycle starts does not make the cycle give
    /// up: AcquireAsync tries again for half a second before it reports the lock held.
    /// </summary>
    [Fact]
    public async Task Acquire_WhileAProbeReads_WaitsForItInsteadOfGivingUp()
    {
        using (await CycleLock.AcquireAsync(_temp.Database, "sync", Now))
        {
        }

        var reader = new FileStream(_temp.Path_ + ".lock", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var acquiring = CycleLock.AcquireAsync(_temp.Database, "sync", Now);
        Assert.False(acquiring.IsCompleted, "the first try must meet the probe's shared lock");
        reader.Dispose();

        using var taken = await acquiring;
        Assert.Equal(_temp.Path_ + ".lock", taken.LockPath);
    }

    /// <summary>Whether a process holds the lock exclusively: a shared, non-blocking <c>flock</c> fails.</summary>
    private bool FlockHolds()
    {
        using var probe = StartFlock(nonBlocking: true, "true");
        probe.WaitForExit();
        return probe.ExitCode != 0;
    }

    /// <summary>
    /// <c>flock</c> on the lock file, running the command while it holds the lock: a probe takes a shared lock without
    /// waiting (it fails only against an exclusive one, such as a cycle's); a holder waits for an exclusive one.
    /// </summary>
    private Process StartFlock(bool nonBlocking, params string[] command)
    {
        var info = new ProcessStartInfo("flock") { UseShellExecute = false };
        foreach (var option in nonBlocking ? ["--shared", "--nonblock"] : (string[])["--exclusive"])
        {
            info.ArgumentList.Add(option);
        }

        info.ArgumentList.Add(_temp.Path_ + ".lock");
        foreach (var word in command)
        {
            info.ArgumentList.Add(word);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("flock did not start");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, "the lock did not change hands in time");
            await Task.Delay(50);
        }
    }
}
