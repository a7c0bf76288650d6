using HubSpotPmoSync.Core.Health;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>Cross-field checks of the import options; reports every failure, naming the setting.</summary>
internal sealed class ImportOptionsValidator : IValidateOptions<TimeEntryImportOptions>, IValidateOptions<MilestoneImportOptions>, IValidateOptions<ImportOptions>
{
    private static readonly string KeyFields = string.Join(", ", Enum.GetNames<TimeEntryKeyField>());

    public ValidateOptionsResult Validate(string? name, ImportOptions options)
    {
        var failures = new List<string>();
        const string s = ImportOptions.SectionName;
        if (!ImportFormat.TryEncoding(options.Encoding, out _))
        {
            failures.Add($"{s}:Encoding '{options.Encoding}' is not an encoding: use auto (a byte order mark, else UTF-8), utf-8, windows-1252 or iso-8859-1 (latin1).");
        }

        if (!ImportCulture.TryGet(options.Culture, out _))
        {
            failures.Add($"{s}:Culture '{options.Culture}' is not a culture imports know: use one of {string.Join(", ", ImportCulture.Known)}, or leave it empty for the invariant culture (decimal point, ISO dates).");
        }

        Delimiter(failures, s, options.Delimiter);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The identity <c>Import:TimeEntries:Key</c> names; the default when it names none. Assumes valid options.</summary>
    public static TimeEntryIdentity Identity(TimeEntryImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Key.Count == 0)
        {
            return TimeEntryIdentity.Default;
        }

        return new TimeEntryIdentity(options.Key.Select(k => TryKeyField(k, out var f) ? f : throw new InvalidOperationException($"Import:TimeEntries:Key '{k}' was not validated.")).ToList());
    }

    private static bool TryKeyField(string? text, out TimeEntryKeyField field)
    {
        var compact = (text ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (string.Equals(compact, "BillableRate", StringComparison.OrdinalIgnoreCase))
        {
            compact = nameof(TimeEntryKeyField.BillRate);
        }

        return Enum.TryParse(compact, ignoreCase: true, out field) && Enum.IsDefined(field) && !int.TryParse(compact, out _);
    }

    public ValidateOptionsResult Validate(string? name, TimeEntryImportOptions options)
    {
        var failures = new List<string>();
        const string s = TimeEntryImportOptions.SectionName;
        var c = options.Columns;
        Columns(failures, s, [("Date", c.Date), ("ProjectCode", c.ProjectCode), ("Person", c.Person), ("Hours", c.Hours), ("CostRate", c.CostRate), ("BillRate", c.BillRate), ("Notes", c.Notes), ("Id", c.Id)]);
        Common(failures, s, options.DateFormats, options.Delimiter);
        for (var i = 0; i < options.Key.Count; i++)
        {
            if (!TryKeyField(options.Key[i], out _))
            {
                failures.Add($"{s}:Key:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)} '{options.Key[i]}' is not a time-entry field: use {KeyFields}.");
            }
        }

        if (options.MaxHoursPerEntry <= 0m)
        {
            failures.Add($"{s}:MaxHoursPerEntry must be above 0 (is {options.MaxHoursPerEntry}).");
        }

        if (options.MaxRate <= 0m)
        {
            failures.Add($"{s}:MaxRate must be above 0 (is {options.MaxRate}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, MilestoneImportOptions options)
    {
        var failures = new List<string>();
        const string s = MilestoneImportOptions.SectionName;
        var c = options.Columns;
        Columns(failures, s, [("ProjectCode", c.ProjectCode), ("Name", c.Name), ("PlannedDate", c.PlannedDate), ("ActualDate", c.ActualDate), ("Weight", c.Weight), ("PercentComplete", c.PercentComplete)]);
        Common(failures, s, options.DateFormats, options.Delimiter);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Columns(List<string> failures, string section, (string Key, string Header)[] columns)
    {
        foreach (var (key, header) in columns)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                failures.Add($"{section}:Columns:{key} must name a CSV header.");
            }
        }

        foreach (var group in columns.Where(c => !string.IsNullOrWhiteSpace(c.Header)).GroupBy(c => c.Header.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            failures.Add($"{section}:Columns: {string.Join(" and ", group.Select(g => g.Key))} both name the header '{group.Key}'.");
        }
    }

    private static void Common(List<string> failures, string section, List<string> formats, string? delimiter)
    {
        if (formats.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{section}:DateFormats must not contain an empty format.");
        }

        if (delimiter is not null)
        {
            Delimiter(failures, section, delimiter);
        }
    }

    private static void Delimiter(List<string> failures, string section, string delimiter)
    {
        if (string.IsNullOrEmpty(delimiter) || delimiter.Contains('"', StringComparison.Ordinal) || delimiter.Contains('\n', StringComparison.Ordinal))
        {
            failures.Add($"{section}:Delimiter must be auto, tab, or a non-empty string without quotes or line breaks.");
        }
    }
}
