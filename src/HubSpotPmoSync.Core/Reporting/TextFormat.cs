using System.Globalization;
using System.Text;

namespace HubSpotPmoSync.Core.Reporting;

/// <summary>Invariant formatting and escaping shared by the renderers.</summary>
internal static class TextFormat
{
    /// <summary>
    /// Starts every CSV the reports write: without it Excel reads UTF-8 as the machine's code page and garbles every
    /// character outside ASCII (the en dash of "Acme – Website relaunch").
    /// </summary>
    public const char CsvByteOrderMark = '\uFEFF';

    public static string Num(decimal? value, string format = "0.00") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : string.Empty;

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a spreadsheet would
    /// run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe.
    /// </summary>
    public static string CsvText(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return CsvRaw(value);
    }

    /// <summary>A CSV field written as is (numbers, dates), quoted only when needed.</summary>
    public static string CsvRaw(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    public static void CsvLine(StringBuilder sb, IEnumerable<string> fields)
    {
        sb.Append(string.Join(',', fields));
        sb.Append("\r\n");
    }

    public static string Esc(string? value) => System.Net.WebUtility.HtmlEncode(value ?? string.Empty);

    public static string Truncate(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
