using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>
/// Reads an import CSV with CsvHelper as raw records: the header, then each record with its first line number,
/// its fields and its raw text, or the reason it is malformed. Also writes the rejects file.
/// </summary>
internal sealed class CsvImportFile
{
    private static readonly string[] Candidates = [",", ";", "\t"];

    private CsvImportFile(string path, byte[] content, string[] header, List<CsvImportRecord> records, ImportFormat format, string delimiter, string? delimiterSeen, string encodingName, List<string> warnings)
    {
        Path = path;
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(content));
        Header = header;
        Records = records;
        Format = format;
        Delimiter = delimiter;
        DelimiterSeen = delimiterSeen;
        EncodingName = encodingName;
        Warnings = warnings;
    }

    public string Path { get; }

    public string ContentHash { get; }

    public string[] Header { get; }

    public IReadOnlyList<CsvImportRecord> Records { get; }

    public ImportFormat Format { get; }

    /// <summary>The delimiter the file was read with.</summary>
    public string Delimiter { get; }

    /// <summary>The candidate delimiter (<c>,</c> <c>;</c> tab) the header line uses most; null when it uses none.</summary>
    public string? DelimiterSeen { get; }

    /// <summary>The encoding the file was read with (from its byte order mark, UTF-8, or <c>Import:Encoding</c>).</summary>
    public string EncodingName { get; }

    /// <summary>What the reader noticed but did not reject (e.g. a UTF-8 file read as configured in another encoding).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads the whole file; throws <see cref="ImportFileException"/> when it cannot be read or decoded, or has no header.</summary>
    public static CsvImportFile Read(string path, ImportFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ImportFileException($"Cannot read '{path}': {ex.Message}", ex);
        }

        var warnings = new List<string>();
        var (text, encodingName) = Decode(path, content, format, warnings);
        var delimiterSeen = SeenDelimiter(text);
        var delimiter = format.Delimiter ?? delimiterSeen ?? ",";

        var malformed = false;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            BadDataFound = _ => malformed = true,
            DetectColumnCountChanges = false,
            MissingFieldFound = null,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.None,
        };

        using var reader = new StringReader(text);
        using var parser = new CsvParser(reader, config);
        if (!parser.Read())
        {
            throw new ImportFileException($"'{path}' is empty: a header line is expected.");
        }

        var header = parser.Record!.Select(h => h.Trim()).ToArray();
        var records = new List<CsvImportRecord>();
        while (true)
        {
            malformed = false;
            bool more;
            try
            {
                more = parser.Read();
            }
            catch (CsvHelperException ex)
            {
                // Unrecoverable parse error (e.g. a quote never closed): everything from here is one bad record.
                records.Add(new CsvImportRecord(parser.RawRow, [], parser.RawRecord.TrimEnd('\r', '\n'), "malformed CSV: " + ex.Message.Split('\n')[0].Trim()));
                break;
            }

            if (!more)
            {
                break;
            }

            var raw = parser.RawRecord.TrimEnd('\r', '\n');
            var firstLine = parser.RawRow - raw.Count(ch => ch == '\n');
            records.Add(new CsvImportRecord(firstLine, parser.Record ?? [], raw, malformed ? "malformed CSV: a quote inside an unquoted field or after a closing quote" : null));
        }

        return new CsvImportFile(path, content, header, records, format, delimiter, delimiterSeen, encodingName, warnings);
    }

    /// <summary>
    /// The text of the file: a byte order mark's encoding; else UTF-8 when the setting is <c>auto</c> or UTF-8 (a byte
    /// that is not UTF-8 stops the import, naming its line); else the configured encoding.
    /// </summary>
    private static (string Text, string EncodingName) Decode(string path, byte[] content, ImportFormat format, List<string> warnings)
    {
        ReadOnlySpan<byte> bytes = content;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (StrictUtf8(path, content, 3), "UTF-8 (byte order mark)");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (System.Text.Encoding.Unicode.GetString(content, 2, content.Length - 2), "UTF-16 LE (byte order mark)");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (System.Text.Encoding.BigEndianUnicode.GetString(content, 2, content.Length - 2), "UTF-16 BE (byte order mark)");
        }

        if (format.Encoding is null || format.Encoding.CodePage == 65001)
        {
            return (StrictUtf8(path, content, 0), "UTF-8");
        }

        if (System.Text.Unicode.Utf8.IsValid(bytes) && bytes.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
        {
            warnings.Add($"'{path}' is valid UTF-8 with non-ASCII characters, but Import:Encoding={format.EncodingName} reads it as {format.Encoding.WebName}: check names and notes for garbled letters (or set Import:Encoding=auto).");
        }

        return (format.Encoding.GetString(content), format.Encoding.WebName);
    }

    private static string StrictUtf8(string path, byte[] content, int start)
    {
        var chars = new char[content.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(content.AsSpan(start), chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.Done)
        {
            return new string(chars, 0, written);
        }

        var at = start + read;
        var line = 1 + content.AsSpan(0, at).Count((byte)'\n');
        var column = at - content.AsSpan(0, at).LastIndexOf((byte)'\n');
        throw new ImportFileException(
            $"'{path}' is not valid UTF-8: line {line.ToString(CultureInfo.InvariantCulture)}, byte {column.ToString(CultureInfo.InvariantCulture)} is 0x{content[at]:X2}. "
            + "A file saved by Excel or an older tool is often Windows-1252 (Latin-1): set Import:Encoding=windows-1252 (or latin1), or save the file as UTF-8. Nothing was imported.");
    }

    /// <summary>The candidate delimiter the header line (up to its first line break outside quotes) uses most; null for none.</summary>
    internal static string? SeenDelimiter(string text)
    {
        var counts = new int[Candidates.Length];
        var quoted = false;
        foreach (var ch in text)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && ch is '\n' or '\r')
            {
                break;
            }
            else if (!quoted)
            {
                var i = Array.IndexOf(Candidates, ch.ToString());
                if (i >= 0)
                {
                    counts[i]++;
                }
            }
        }

        var best = counts.Max();
        return best == 0 ? null : Candidates[Array.IndexOf(counts, best)];
    }

    /// <summary>The index of each wanted header; throws naming every required header that is missing, and the delimiter.</summary>
    public Dictionary<string, int> MapColumns(IEnumerable<(string Header, bool Required)> wanted)
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        foreach (var (name, required) in wanted)
        {
            var index = Array.FindIndex(Header, h => string.Equals(h, name.Trim(), StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                map[name] = index;
            }
            else if (required)
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            throw new ImportFileException(
                $"'{Path}' lacks the required column(s) {string.Join(", ", missing.Select(m => "'" + m + "'"))}; its header is: {string.Join(", ", Header)}. {DelimiterHint()}Map other names in configuration.");
        }

        return map;
    }

    private string DelimiterHint()
    {
        var key = Format.DelimiterKey;
        if (Format.Delimiter is null)
        {
            return DelimiterSeen is null
                ? "The header line has no ',' ';' or tab, so it was read as one column. "
                : $"It was read as separated by {ImportFormat.Show(Delimiter)}, detected from the header line ({key} is auto). ";
        }

        return DelimiterSeen is not null && DelimiterSeen != Delimiter
            ? $"The header line is separated by {ImportFormat.Show(DelimiterSeen)}, but {key} is {ImportFormat.Show(Delimiter)}: set {key} to {(DelimiterSeen == "\t" ? "tab" : DelimiterSeen)} or auto. "
            : $"It was read as separated by {ImportFormat.Show(Delimiter)} ({key}). ";
    }

    /// <summary>Writes <c>FILE.rejects.csv</c> (line, reason, raw) or deletes a stale one; returns its path or null.</summary>
    public string? WriteRejects(IReadOnlyList<ImportRejection> rejections)
    {
        var rejectsPath = Path + ".rejects.csv";
        if (rejections.Count == 0)
        {
            File.Delete(rejectsPath);
            return null;
        }

        using var writer = new StreamWriter(rejectsPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
        csv.WriteField("line");
        csv.WriteField("reason");
        csv.WriteField("raw");
        csv.NextRecord();
        foreach (var r in rejections.OrderBy(r => r.Line))
        {
            csv.WriteField(r.Line.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(r.Reason);
            csv.WriteField(r.Raw);
            csv.NextRecord();
        }

        return rejectsPath;
    }
}

/// <summary>One record of an import file.</summary>
/// <param name="Line">The file line the record starts on (the header is line 1).</param>
/// <param name="Malformed">Why the record could not be parsed, or null.</param>
internal sealed record CsvImportRecord(long Line, string[] Fields, string Raw, string? Malformed);

/// <summary>Parsing of single values, with the reason when a value is wrong.</summary>
internal static class ImportValues
{
    public static bool TryDate(string value, IReadOnlyList<string> formats, out DateOnly date) =>
        DateOnly.TryParseExact(value.Trim(), formats.ToArray(), CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static bool TryNumber(string value, out decimal number) => TryNumber(value, ImportCulture.Invariant, out number, out _);

    /// <summary>
    /// Reads a number written in <paramref name="culture"/>: its decimal separator, an optional leading sign, no
    /// thousands separators (a separator that may be either is never guessed). <paramref name="hint"/> says what to
    /// change when the other decimal separator is seen; empty otherwise.
    /// </summary>
    public static bool TryNumber(string value, ImportCulture culture, out decimal number, out string hint)
    {
        var text = value.Trim();
        var other = culture.DecimalSeparator == '.' ? ',' : '.';
        hint = "";
        number = 0m;
        if (text.Contains(other, StringComparison.Ordinal))
        {
            hint = culture.IsInvariant
                ? ": a comma, but Import:Culture is invariant (decimal point); for decimal commas set Import:Culture (e.g. de-DE). Thousands separators are not read"
                : $": a '{other}', but Import:Culture {culture.Display} writes decimals with '{culture.DecimalSeparator}'. Thousands separators are not read";
            return false;
        }

        var invariantText = culture.DecimalSeparator == ',' ? text.Replace(',', '.') : text;
        return decimal.TryParse(invariantText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>The reason a number cannot be read, naming the value and column.</summary>
    public static string BadNumber(string value, string column, string hint) => $"bad number '{value}' in '{column}'{hint}";

    /// <summary>The date formats an import accepts: the configured ones, else ISO plus the culture's.</summary>
    public static IReadOnlyList<string> DateFormats(List<string> configured, ImportCulture culture) =>
        configured.Count > 0 ? configured : ["yyyy-MM-dd", .. culture.DateFormats];

    /// <summary>A number in a canonical form (no trailing zeros) for row keys: 1.50 and 1.5 are the same.</summary>
    public static string Canonical(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static string RowKey(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))));
}
