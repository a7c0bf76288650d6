using System.Globalization;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>
/// A duration as a person writes it, for every line a user reads (summaries, logs): <c>250 ms</c>, <c>1.0 s</c>,
/// <c>2 min 5 s</c>, <c>1 h 5 min</c>. Each unit is rounded before the next one up is chosen, so 59.96 s reads
/// <c>1 min</c>, never <c>60.0 s</c>.
/// </summary>
public static class HumanDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return "-" + Format(duration.Duration());
        }

        var ms = Math.Round(duration.TotalMilliseconds, MidpointRounding.AwayFromZero);
        if (ms < 1_000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");
        }

        var tenths = Math.Round(duration.TotalSeconds, 1, MidpointRounding.AwayFromZero);
        if (tenths < 60)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{tenths:0.0} s");
        }

        var seconds = (long)Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero);
        if (seconds < 3_600)
        {
            return Pair(seconds / 60, "min", seconds % 60, "s");
        }

        var minutes = (long)Math.Round(duration.TotalMinutes, MidpointRounding.AwayFromZero);
        if (minutes < 24 * 60)
        {
            return Pair(minutes / 60, "h", minutes % 60, "min");
        }

        var hours = (long)Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
        return Pair(hours / 24, "d", hours % 24, "h");
    }

    private static string Pair(long major, string majorUnit, long minor, string minorUnit) =>
        minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");
}
