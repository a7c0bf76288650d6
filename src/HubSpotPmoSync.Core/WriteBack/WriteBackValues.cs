using System.Globalization;
using System.Text;

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

    /// <summary>
    /// Shows a value on one line in plans, summaries and <c>dlq list</c>: <c>(empty)</c> for null or empty, as is when
    /// it has no white space, else quoted with JSON-style escapes (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>,
    /// <c>\t</c>, <c>\uXXXX</c> for other control characters and line separators), so a multi-line value (health reasons) stays on its line.
    /// </summary>
    public static string Display(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(empty)";
        }

        if (!value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
