using System.Globalization;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>
/// Compares property values the way HubSpot stores them: strings on the wire, where an empty string clears a
/// value (read back as null), numbers may come back as <c>"12000"</c> for <c>"12000.00"</c>, and datetimes
/// may be written as ISO-8601 with another precision.
/// </summary>
public static class WriteBackValues
{
    public static bool AreEqual(string? a, string? b)
    {
        if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
        {
            return string.IsNullOrEmpty(a) && string.IsNullOrEmpty(b);
        }

        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }

        if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
            && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
        {
            return da == db;
        }

        if (a.Contains('T', StringComparison.Ordinal) && b.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ta)
            && DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var tb))
        {
            return ta == tb;
        }

        return false;
    }

    /// <summary>Shows a value in plans and the audit log: <c>(empty)</c> for null or empty, quoted when it has spaces.</summary>
    public static string Display(string? value) =>
        string.IsNullOrEmpty(value) ? "(empty)"
        : value.Any(char.IsWhiteSpace) ? "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
        : value;
}
