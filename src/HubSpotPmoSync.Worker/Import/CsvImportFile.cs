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
    private CsvImportFile(string path, byte[] content, string[] header, List<CsvImportRecord> records)
    {
        Path = path;
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(content));
        Header = header;
        Records = records;
    }

    public string Path { get; }

    public string ContentHash { get; }

    public string[] Header { get; }

    public IReadOnlyList<CsvImportRecord> Records { get; }

    /// <summary>Reads the whole file; throws <see cref="ImportFileException"/> when it cannot be read or has no header.</summary>
    public static CsvImportFile Read(string path, string delimiter)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ImportFileException($"Cannot read '{path}': {ex.Message}", ex);
        }

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

        using var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
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

        return new CsvImportFile(path, content, header, records);
    }

    /// <summary>The index of each wanted header; throws naming every required header that is missing.</summary>
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
                $"'{Path}' lacks the required column(s) {string.Join(", ", missing.Select(m => "'" + m + "'"))}; its header is: {string.Join(", ", Header)}. Map other names in configuration.");
        }

        return map;
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

    public static bool TryNumber(string value, out decimal number) =>
        decimal.TryParse(value.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);

    /// <summary>A number in a canonical form (no trailing zeros) for row keys: 1.50 and 1.5 are the same.</summary>
    public static string Canonical(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static string RowKey(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))));
}
