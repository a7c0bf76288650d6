using System.Diagnostics;

namespace HubSpotPmoSync.Benchmarks;

/// <summary>Small helpers shared by the benchmarks: wall time, memory, one line per figure.</summary>
internal static class BenchmarkReport
{
    public static void Figure(string name, string value) => Console.WriteLine($"  {name,-36} {value}");

    public static long PeakWorkingSetBytes()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64;
    }

    public static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F0} MB";
}
