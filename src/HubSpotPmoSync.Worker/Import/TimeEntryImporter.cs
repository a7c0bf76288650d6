using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>
/// <c>import time-entries FILE</c>: reads a timesheet CSV, rejects bad rows into <c>FILE.rejects.csv</c> with their
/// line and reason, and stores the rest in one transaction. A row identical to one imported before (same date,
/// project, person, hours, rates and notes) is skipped, so importing the same file again adds nothing; the same
/// row twice in one file is rejected as a duplicate.
/// </summary>
public sealed class TimeEntryImporter(IDeliveryDataStore store, IOptions<TimeEntryImportOptions> options, TimeProvider timeProvider)
{
    public const string Kind = "time-entries";

    /// <summary>Imports <paramref name="path"/>; only rows whose project code is in <paramref name="knownProjectCodes"/> are accepted.</summary>
    /// <exception cref="ImportFileException">The file cannot be read, is empty, or lacks a required column.</exception>
    public ImportResult Import(string path, IEnumerable<string> knownProjectCodes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(knownProjectCodes);
        var o = options.Value;
        var c = o.Columns;
        var known = CsvImportFlow.KnownCodes(knownProjectCodes);
        var file = CsvImportFile.Read(path, o.Delimiter);
        var map = file.MapColumns([(c.Date, true), (c.ProjectCode, true), (c.Person, true), (c.Hours, true), (c.CostRate, true), (c.BillRate, false), (c.Notes, false)]);
        return CsvImportFlow.Run<TimeEntry, string>(
            path,
            Kind,
            file,
            (CsvImportRecord record, out TimeEntry? entry) => Check(record, file.Header.Length, map, o, known, out entry),
            RowKey,
            (_, first) => $"duplicate row: same as line {first.ToString(CultureInfo.InvariantCulture)}",
            store.AddTimeEntries,
            timeProvider);
    }

    /// <summary>What makes two rows the same entry: every value of the row.</summary>
    private static string RowKey(TimeEntry entry) => ImportValues.RowKey(
        entry.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        entry.ProjectCode,
        entry.Person,
        ImportValues.Canonical(entry.Hours),
        ImportValues.Canonical(entry.CostRate),
        ImportValues.Canonical(entry.BillRate),
        entry.Notes ?? "");

    private static string? Check(
        CsvImportRecord record,
        int columnCount,
        Dictionary<string, int> map,
        TimeEntryImportOptions o,
        Dictionary<string, string> known,
        out TimeEntry? entry)
    {
        entry = null;
        var c = o.Columns;
        string Field(string column) => map.TryGetValue(column, out var i) ? record.Fields[i].Trim() : "";
        var problem = CsvImportFlow.ShapeProblem(record, columnCount)
            ?? CsvImportFlow.MissingValue(Field, c.Date, c.ProjectCode, c.Person, c.Hours, c.CostRate);
        if (problem is not null)
        {
            return problem;
        }

        if (!ImportValues.TryDate(Field(c.Date), o.EffectiveDateFormats, out var date))
        {
            return $"bad date '{Field(c.Date)}' in '{c.Date}' (expected {string.Join(" or ", o.EffectiveDateFormats)})";
        }

        if (!ImportValues.TryNumber(Field(c.Hours), out var hours))
        {
            return $"bad number '{Field(c.Hours)}' in '{c.Hours}'";
        }

        if (!ImportValues.TryNumber(Field(c.CostRate), out var costRate))
        {
            return $"bad number '{Field(c.CostRate)}' in '{c.CostRate}'";
        }

        var billText = Field(c.BillRate);
        var billRate = 0m;
        if (billText.Length > 0 && !ImportValues.TryNumber(billText, out billRate))
        {
            return $"bad number '{billText}' in '{c.BillRate}'";
        }

        if (hours < 0m)
        {
            return $"negative hours ({Field(c.Hours)})";
        }

        if (hours == 0m || hours > o.MaxHoursPerEntry)
        {
            return $"hours out of range: {Field(c.Hours)} (allowed above 0 up to {o.MaxHoursPerEntry.ToString(CultureInfo.InvariantCulture)})";
        }

        foreach (var (name, rate) in new[] { (c.CostRate, costRate), (c.BillRate, billRate) })
        {
            if (rate < 0m || rate > o.MaxRate)
            {
                return $"rate out of range: '{name}' {rate.ToString(CultureInfo.InvariantCulture)} (allowed 0 to {o.MaxRate.ToString(CultureInfo.InvariantCulture)})";
            }
        }

        if (!known.TryGetValue(Field(c.ProjectCode), out var code))
        {
            return $"unknown project code '{Field(c.ProjectCode)}'";
        }

        var notes = Field(c.Notes);
        entry = new TimeEntry(date, code, Field(c.Person), hours, costRate, billRate, notes.Length == 0 ? null : notes);
        return null;
    }
}
