using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>
/// <c>import time-entries FILE</c>: reads a timesheet CSV, rejects bad rows into <c>FILE.rejects.csv</c> with their
/// line and reason, and stores the rest as one batch. A row whose identity (<c>Import:TimeEntries:Key</c>, by default
/// date, project, person and notes) matches a stored entry replaces it, so a corrected re-export replaces rather than
/// adds, and the same file again changes nothing; the same row twice in one file is rejected as a duplicate.
/// </summary>
public sealed class TimeEntryImporter
{
    public const string Kind = "time-entries";

    private readonly IDeliveryDataStore _store;
    private readonly IOptions<TimeEntryImportOptions> _options;
    private readonly IOptions<ImportOptions> _common;
    private readonly TimeProvider _timeProvider;

    public TimeEntryImporter(IDeliveryDataStore store, IOptions<TimeEntryImportOptions> options, TimeProvider timeProvider)
        : this(store, options, Options.Create(new ImportOptions()), timeProvider)
    {
    }

    public TimeEntryImporter(IDeliveryDataStore store, IOptions<TimeEntryImportOptions> options, IOptions<ImportOptions> common, TimeProvider timeProvider)
    {
        _store = store;
        _options = options;
        _common = common;
        _timeProvider = timeProvider;
    }

    /// <summary>Imports <paramref name="path"/>; only rows whose project code is in <paramref name="knownProjectCodes"/> are accepted.</summary>
    /// <exception cref="ImportFileException">The file cannot be read or decoded, is empty, or lacks a required column.</exception>
    public Task<ImportResult> ImportAsync(string path, IEnumerable<string> knownProjectCodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(knownProjectCodes);
        var o = _options.Value;
        var format = ImportFormat.From(_common.Value, o.Delimiter, TimeEntryImportOptions.SectionName);
        var identity = ImportOptionsValidator.Identity(o);
        var c = o.Columns;
        var known = CsvImportFlow.KnownCodes(knownProjectCodes);
        var file = CsvImportFile.Read(path, format);
        var map = file.MapColumns([(c.Date, true), (c.ProjectCode, true), (c.Person, true), (c.Hours, true), (c.CostRate, true), (c.BillRate, false), (c.Notes, false), (c.Id, identity.UsesId)]);
        var dateFormats = ImportValues.DateFormats(o.DateFormats, format.Culture);
        var today = DateOnly.FromDateTime(_timeProvider.GetLocalNow().DateTime);
        return CsvImportFlow.RunAsync<TimeEntryRow, string>(
            path,
            Kind,
            file,
            (CsvImportRecord record, out TimeEntryRow? row) => Check(record, file.Header.Length, map, o, format.Culture, dateFormats, identity, known, out row),
            row => identity.UsesId ? "id:" + row.SourceId : RowKey(row.Entry),
            (row, first) => identity.UsesId
                ? $"duplicate Id '{row.SourceId}': already on line {first.ToString(CultureInfo.InvariantCulture)}"
                : $"duplicate row: same as line {first.ToString(CultureInfo.InvariantCulture)}",
            (rows, batch) => StoreAsync(rows.Select(r => r.Item).ToList(), identity, batch, cancellationToken),
            rows => CsvImportFlow.FutureDated(rows, r => r.Entry.Date, today, n => n == 1 ? "1 time entry is dated" : $"{n.ToString(CultureInfo.InvariantCulture)} time entries are dated"),
            _timeProvider);
    }

    private Task<DeliveryDataWriteResult> StoreAsync(List<TimeEntryRow> rows, TimeEntryIdentity identity, ImportBatch batch, CancellationToken cancellationToken)
    {
        var keys = identity.Keys(rows.Select(r => (r.Entry, r.SourceId)).ToList());
        var keyed = rows.Select((r, i) => new KeyedTimeEntry(keys[i] ?? throw new InvalidOperationException("An accepted time entry has no key."), r.Entry, r.SourceId)).ToList();
        return _store.UpsertTimeEntriesAsync(keyed, identity, batch, cancellationToken);
    }

    /// <summary>What makes two rows of one file the same row: every value of the row.</summary>
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
        ImportCulture culture,
        IReadOnlyList<string> dateFormats,
        TimeEntryIdentity identity,
        Dictionary<string, string> known,
        out TimeEntryRow? row)
    {
        row = null;
        var c = o.Columns;
        string Field(string column) => map.TryGetValue(column, out var i) ? record.Fields[i].Trim() : "";
        var problem = CsvImportFlow.ShapeProblem(record, columnCount)
            ?? CsvImportFlow.MissingValue(Field, identity.UsesId ? [c.Id, c.Date, c.ProjectCode, c.Person, c.Hours, c.CostRate] : [c.Date, c.ProjectCode, c.Person, c.Hours, c.CostRate]);
        if (problem is not null)
        {
            return problem;
        }

        if (!ImportValues.TryDate(Field(c.Date), dateFormats, out var date))
        {
            return $"bad date '{Field(c.Date)}' in '{c.Date}' (expected {string.Join(" or ", dateFormats)})";
        }

        if (!ImportValues.TryNumber(Field(c.Hours), culture, out var hours, out var hint))
        {
            return ImportValues.BadNumber(Field(c.Hours), c.Hours, hint);
        }

        if (!ImportValues.TryNumber(Field(c.CostRate), culture, out var costRate, out hint))
        {
            return ImportValues.BadNumber(Field(c.CostRate), c.CostRate, hint);
        }

        var billText = Field(c.BillRate);
        var billRate = 0m;
        if (billText.Length > 0 && !ImportValues.TryNumber(billText, culture, out billRate, out hint))
        {
            return ImportValues.BadNumber(billText, c.BillRate, hint);
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
        var id = Field(c.Id);
        row = new TimeEntryRow(new TimeEntry(date, code, Field(c.Person), hours, costRate, billRate, notes.Length == 0 ? null : notes), id.Length == 0 ? null : id);
        return null;
    }
}

/// <summary>An accepted time-entry row: the entry and the exporting tool's id, if the file has one.</summary>
internal sealed record TimeEntryRow(TimeEntry Entry, string? SourceId);
