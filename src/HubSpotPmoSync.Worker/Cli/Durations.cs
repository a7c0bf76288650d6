using System.Globalization;

namespace HubSpotPmoSync.Worker.Cli;

/// <summary>Parses durations written on the command line: <c>250ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c> or <c>00:00:02</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, ms) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && n >= 0 && !(suffix == "m" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase)))
            {
                value = TimeSpan.FromMilliseconds(n * ms);
                return true;
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plainMs) && plainMs >= 0)
        {
            value = TimeSpan.FromMilliseconds(plainMs);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }
}
