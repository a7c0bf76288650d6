using System.Globalization;
using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>Checks one CSV row; returns the reason it is rejected, or null with the parsed item.</summary>
internal delegate string? CsvRowCheck<T>(CsvImportRecord record, out T? item)
    where T : class;

/// <summary>
/// The flow every CSV import shares: check each row, reject a repeated key as a duplicate of its first line, store
/// the accepted rows in one batch, and write the rejects file next to the input.
/// </summary>
internal static class CsvImportFlow
{
    /// <summary>The known project codes by their trimmed form, compared without case.</summary>
    public static Dictionary<string, string> KnownCodes(IEnumerable<string> codes)
    {
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var code in codes)
        {
            known.TryAdd(code.Trim(), code);
        }

        return known;
    }

    /// <summary>The reason a row cannot be read at all: malformed quoting, or a field count unlike the header's.</summary>
    public static string? ShapeProblem(CsvImportRecord record, int columnCount)
    {
        if (record.Malformed is not null)
        {
            return record.Malformed;
        }

        return record.Fields.Length == columnCount
            ? null
            : $"wrong column count: {record.Fields.Length.ToString(CultureInfo.InvariantCulture)} fields, the header has {columnCount.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The first required column whose value is empty, as a reason; null when all are there.</summary>
    public static string? MissingValue(Func<string, string> field, params string[] required)
    {
        foreach (var column in required)
        {
            if (field(column).Length == 0)
            {
                return $"missing required value '{column}'";
            }
        }

        return null;
    }

    /// <summary>
    /// Runs <paramref name="check"/> over every row, rejects a row whose key was seen on an earlier line, stores the
    /// accepted rows through <paramref name="store"/> as one batch, and writes the rejects file. The warnings are the
    /// file's, then what <paramref name="warn"/> finds in the accepted rows (with their lines).
    /// </summary>
    public static async Task<ImportResult> RunAsync<T, TKey>(
        string path,
        string kind,
        CsvImportFile file,
        CsvRowCheck<T> check,
        Func<T, TKey> keyOf,
        Func<T, long, string> duplicateReason,
        Func<IReadOnlyList<(TKey Key, T Item)>, ImportBatch, Task<DeliveryDataWriteResult>> store,
        Func<IReadOnlyList<(long Line, T Item)>, IEnumerable<string>> warn,
        TimeProvider timeProvider)
        where T : class
        where TKey : notnull
    {
        var rejections = new List<ImportRejection>();
        var accepted = new List<(TKey Key, T Item)>();
        var acceptedLines = new List<(long Line, T Item)>();
        var firstLine = new Dictionary<TKey, long>();

        foreach (var record in file.Records)
        {
            var reason = check(record, out var item);
            if (reason is null)
            {
                var key = keyOf(item!);
                if (firstLine.TryGetValue(key, out var first))
                {
                    reason = duplicateReason(item!, first);
                }
                else
                {
                    firstLine[key] = record.Line;
                    accepted.Add((key, item!));
                    acceptedLines.Add((record.Line, item!));
                }
            }

            if (reason is not null)
            {
                rejections.Add(new ImportRejection(record.Line, reason, record.Raw));
            }
        }

        var batch = new ImportBatch(kind, Path.GetFullPath(path), file.ContentHash, timeProvider.GetUtcNow(), file.Records.Count, rejections.Count);
        var written = await store(accepted, batch);
        var rejectsPath = file.WriteRejects(rejections);
        var warnings = file.Warnings.Concat(warn(acceptedLines)).ToList();
        return new ImportResult(path, file.Records.Count, written.Inserted, written.Updated, written.Unchanged, rejections.Count, rejectsPath, rejections, written.BatchId, warnings);
    }

    /// <summary>
    /// A warning for rows dated after today (the clock's local date), with their count and first lines; none when
    /// there are none. Such rows are imported: a timesheet may hold planned time, but it usually means a wrong date.
    /// </summary>
    public static IEnumerable<string> FutureDated<T>(IReadOnlyList<(long Line, T Item)> rows, Func<T, DateOnly?> dateOf, DateOnly today, Func<int, string> phrase)
    {
        var lines = rows.Where(r => dateOf(r.Item) is { } d && d > today).Select(r => r.Line).ToList();
        if (lines.Count == 0)
        {
            yield break;
        }

        const int Shown = 5;
        var first = string.Join(", ", lines.Take(Shown).Select(l => l.ToString(CultureInfo.InvariantCulture))) + (lines.Count > Shown ? ", …" : "");
        yield return $"{phrase(lines.Count)} after today ({today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}): line{(lines.Count == 1 ? "" : "s")} {first}. They were imported; check their dates.";
    }
}
