using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>
/// <c>import milestones FILE</c>: reads a milestone CSV (project code, name, planned date, actual date, weight,
/// percent complete), rejects bad rows into <c>FILE.rejects.csv</c>, and upserts the rest as one batch by
/// (project code, name): the same file again changes nothing; a changed row replaces its milestone.
/// </summary>
public sealed class MilestoneImporter
{
    public const string Kind = "milestones";

    private readonly IDeliveryDataStore _store;
    private readonly IOptions<MilestoneImportOptions> _options;
    private readonly IOptions<ImportOptions> _common;
    private readonly TimeProvider _timeProvider;

    public MilestoneImporter(IDeliveryDataStore store, IOptions<MilestoneImportOptions> options, TimeProvider timeProvider)
        : this(store, options, Options.Create(new ImportOptions()), timeProvider)
    {
    }

    public MilestoneImporter(IDeliveryDataStore store, IOptions<MilestoneImportOptions> options, IOptions<ImportOptions> common, TimeProvider timeProvider)
    {
        _store = store;
        _options = options;
        _common = common;
        _timeProvider = timeProvider;
    }

    /// <summary>Imports <paramref name="path"/>; only rows whose project code is in <paramref name="knownProjectCodes"/> are accepted.</summary>
    /// <exception cref="ImportFileException">The file cannot be read, is empty, or lacks a required column.</exception>
    public Task<ImportResult> ImportAsync(string path, IEnumerable<string> knownProjectCodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(knownProjectCodes);
        var o = _options.Value;
        var format = ImportFormat.From(_common.Value, o.Delimiter, MilestoneImportOptions.SectionName);
        var c = o.Columns;
        var known = CsvImportFlow.KnownCodes(knownProjectCodes);
        var file = CsvImportFile.Read(path, format);
        var map = file.MapColumns([(c.ProjectCode, true), (c.Name, true), (c.PlannedDate, true), (c.ActualDate, false), (c.Weight, true), (c.PercentComplete, true)]);
        var dateFormats = ImportValues.DateFormats(o.DateFormats, format.Culture);
        var today = DateOnly.FromDateTime(_timeProvider.GetLocalNow().DateTime);
        return CsvImportFlow.RunAsync<Milestone, (string, string)>(
            path,
            Kind,
            file,
            (CsvImportRecord record, out Milestone? milestone) => Check(record, file.Header.Length, map, o, format.Culture, dateFormats, known, out milestone),
            m => (m.ProjectCode.ToUpperInvariant(), m.Name.ToUpperInvariant()),
            (m, first) => $"duplicate row: milestone '{m.Name}' of {m.ProjectCode} is already on line {first.ToString(CultureInfo.InvariantCulture)}",
            (rows, batch) => _store.UpsertMilestonesAsync(rows.Select(r => r.Item).ToList(), batch, cancellationToken),
            rows => CsvImportFlow.FutureDated(rows, m => m.ActualDate, today, n => n == 1 ? "1 milestone has an actual date" : $"{n.ToString(CultureInfo.InvariantCulture)} milestones have an actual date"),
            _timeProvider);
    }

    private static string? Check(
        CsvImportRecord record,
        int columnCount,
        Dictionary<string, int> map,
        MilestoneImportOptions o,
        ImportCulture culture,
        IReadOnlyList<string> dateFormats,
        Dictionary<string, string> known,
        out Milestone? milestone)
    {
        milestone = null;
        var c = o.Columns;
        string Field(string column) => map.TryGetValue(column, out var i) ? record.Fields[i].Trim() : "";
        var problem = CsvImportFlow.ShapeProblem(record, columnCount)
            ?? CsvImportFlow.MissingValue(Field, c.ProjectCode, c.Name, c.PlannedDate, c.Weight, c.PercentComplete);
        if (problem is not null)
        {
            return problem;
        }

        if (!ImportValues.TryDate(Field(c.PlannedDate), dateFormats, out var planned))
        {
            return $"bad date '{Field(c.PlannedDate)}' in '{c.PlannedDate}' (expected {string.Join(" or ", dateFormats)})";
        }

        DateOnly? actual = null;
        if (Field(c.ActualDate).Length > 0)
        {
            if (!ImportValues.TryDate(Field(c.ActualDate), dateFormats, out var a))
            {
                return $"bad date '{Field(c.ActualDate)}' in '{c.ActualDate}' (expected {string.Join(" or ", dateFormats)})";
            }

            actual = a;
        }

        if (!ImportValues.TryNumber(Field(c.Weight), culture, out var weight, out var hint))
        {
            return ImportValues.BadNumber(Field(c.Weight), c.Weight, hint);
        }

        if (!ImportValues.TryNumber(Field(c.PercentComplete), culture, out var percent, out hint))
        {
            return ImportValues.BadNumber(Field(c.PercentComplete), c.PercentComplete, hint);
        }

        if (weight <= 0m)
        {
            return $"weight out of range: {Field(c.Weight)} (must be above 0)";
        }

        if (percent is < 0m or > 100m)
        {
            return $"percent complete out of range: {Field(c.PercentComplete)} (allowed 0 to 100)";
        }

        if (actual is not null && percent < 100m)
        {
            return $"actual date {Field(c.ActualDate)} given but percent complete is {Field(c.PercentComplete)} (a reached milestone is 100)";
        }

        if (!known.TryGetValue(Field(c.ProjectCode), out var code))
        {
            return $"unknown project code '{Field(c.ProjectCode)}'";
        }

        milestone = new Milestone(code, Field(c.Name), planned, actual, weight, percent);
        return null;
    }
}
