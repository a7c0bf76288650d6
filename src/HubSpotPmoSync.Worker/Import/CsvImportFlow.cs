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
    /// accepted rows through <paramref name="store"/> and writes the rejects file.
    /// </summary>
    public static ImportResult Run<T, TKey>(
        string path,
        string kind,
        CsvImportFile file,
        CsvRowCheck<T> check,
        Func<T, TKey> keyOf,
        Func<T, long, string> duplicateReason,
        Func<IReadOnlyList<(TKey Key, T Item)>, ImportBatch, DeliveryDataWriteResult> store,
        TimeProvider timeProvider)
        where T : class
        where TKey : notnull
    {
        var rejections = new List<ImportRejection>();
        var accepted = new List<(TKey Key, T Item)>();
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
                }
            }

            if (reason is not null)
            {
                rejections.Add(new ImportRejection(record.Line, reason, record.Raw));
            }
        }

        var batch = new ImportBatch(kind, Path.GetFullPath(path), file.ContentHash, timeProvider.GetUtcNow(), file.Records.Count, rejections.Count);
        var written = store(accepted, batch);
        var rejectsPath = file.WriteRejects(rejections);
        return new ImportResult(path, file.Records.Count, written.Inserted, written.Updated, written.Unchanged, rejections.Count, rejectsPath, rejections);
    }
}
