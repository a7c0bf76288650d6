using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Import;

/// <summary>Cross-field checks of the import options; reports every failure, naming the setting.</summary>
internal sealed class ImportOptionsValidator : IValidateOptions<TimeEntryImportOptions>, IValidateOptions<MilestoneImportOptions>
{
    public ValidateOptionsResult Validate(string? name, TimeEntryImportOptions options)
    {
        var failures = new List<string>();
        const string s = TimeEntryImportOptions.SectionName;
        var c = options.Columns;
        Columns(failures, s, [("Date", c.Date), ("ProjectCode", c.ProjectCode), ("Person", c.Person), ("Hours", c.Hours), ("CostRate", c.CostRate), ("BillRate", c.BillRate), ("Notes", c.Notes)]);
        Common(failures, s, options.DateFormats, options.Delimiter);
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

    private static void Common(List<string> failures, string section, List<string> formats, string delimiter)
    {
        if (formats.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{section}:DateFormats must not contain an empty format.");
        }

        if (string.IsNullOrEmpty(delimiter) || delimiter.Contains('"', StringComparison.Ordinal) || delimiter.Contains('\n', StringComparison.Ordinal))
        {
            failures.Add($"{section}:Delimiter must be a non-empty string without quotes or line breaks.");
        }
    }
}
