using System.CommandLine;
using System.Globalization;

namespace HubSpotPmoSync.Worker.Cli;

/// <summary>The <c>--as-of</c> option: a date (scored at the end of that day, UTC) or an ISO-8601 instant.</summary>
internal static class AsOfOption
{
    public static Option<string?> Create() => new("--as-of")
    {
        Description = "Compute as of this date (YYYY-MM-DD, end of that day UTC) or instant (ISO-8601). Default: now.",
    };

    public static DateTimeOffset Parse(string? value, TimeProvider time)
    {
        if (value is null)
        {
            return time.GetUtcNow();
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59, 59, 999)), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new UserInputException($"--as-of '{value}' is not a date (YYYY-MM-DD) or an ISO-8601 instant.");
    }
}
