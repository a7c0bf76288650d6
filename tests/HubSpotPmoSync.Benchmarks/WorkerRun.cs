using System.Diagnostics;
using System.Globalization;

namespace HubSpotPmoSync.Benchmarks;

/// <summary>One run of the real <c>hubspot-pmo-sync</c> child process: wall time, output, peak RSS and CPU time.</summary>
internal sealed record WorkerRun(TimeSpan Wall, string Output, string Error, long PeakRssBytes, TimeSpan Cpu)
{
    /// <summary>
    /// Runs the executable built beside the benchmarks in <paramref name="folder"/> with <paramref name="environment"/>
    /// (configuration as environment variables, the way an operator gives it); throws when it exits non-zero.
    /// </summary>
    public static async Task<WorkerRun> StartAsync(IReadOnlyDictionary<string, string> environment, string folder, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "hubspot-pmo-sync"))
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var cpu = TimeSpan.Zero;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            cpu = CpuTime(process.Id) ?? cpu;
            await Task.Delay(50);
        }

        await process.WaitForExitAsync();
        stopwatch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', args)}' exited {process.ExitCode}: {await stdout}\n{await stderr}");
        }

        return new WorkerRun(stopwatch.Elapsed, await stdout, await stderr, peak, cpu);
    }

    /// <summary>
    /// The client's budgets for an emulator tier at a time scale. The client's windows are HubSpot's (10 s, 1 s); the
    /// emulator's shrink with the time scale and keep the maxima, so the client is given the same budgets per its own
    /// windows (and corrects itself from the answers' headers). Null for <c>unlimited</c>.
    /// </summary>
    public static Dictionary<string, string>? ClientLimits(string tier, double timeScale)
    {
        if (tier == "unlimited")
        {
            return null;
        }

        var (burst, associations) = TierLimits(tier);
        return new Dictionary<string, string>
        {
            ["HubSpot__BurstLimit"] = ((int)(burst * timeScale)).ToString(CultureInfo.InvariantCulture),
            ["HubSpot__AssociationsBurstLimit"] = ((int)(associations * timeScale)).ToString(CultureInfo.InvariantCulture),
            ["HubSpot__SearchLimitPerSecond"] = ((int)(5 * timeScale)).ToString(CultureInfo.InvariantCulture),
            ["HubSpot__DailyQuotaShare"] = "1",
        };
    }

    /// <summary>HubSpot's per-10-second budgets of a tier: the general burst and the associations endpoints' own window.</summary>
    public static (int Burst, int Associations) TierLimits(string tier) => tier switch
    {
        "free" => (100, 100),
        "addon" => (250, 200),
        _ => (190, 150),
    };

    // VmHWM: the peak resident set size of the process, in kB.
    private static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s), read while the process runs: the
    // last reading misses at most the final poll interval.
    private static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
