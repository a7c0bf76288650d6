using System.Diagnostics;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>Sends POSIX signals to a child process the test started (by its id).</summary>
internal static class Signals
{
    public static void Terminate(int processId)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Polls <paramref name="read"/> until it holds <paramref name="text"/> <paramref name="times"/> times, or fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitForAsync(Func<string> read, string text, TimeSpan timeout, int times = 1)
    {
        var watch = Stopwatch.StartNew();
        while (Count(read(), text) < times)
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"'{text}' did not appear {times} time(s) within {timeout}:\n{read()}");
            }

            await Task.Delay(100);
        }
    }

    private static int Count(string haystack, string needle)
    {
        var count = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
