namespace HubSpotPmoSync.Worker.Import;

/// <summary>How every import reads its file: section <c>Import</c> (the character encoding, the culture of numbers and dates, the delimiter).</summary>
public sealed class ImportOptions
{
    /// <summary>The configuration section: <c>Import</c>.</summary>
    public const string SectionName = "Import";

    /// <summary>
    /// The file's character encoding: <c>auto</c> reads a byte order mark's encoding, else UTF-8, and rejects a file
    /// that is not valid UTF-8 (naming the line of the first bad byte); or a name such as <c>utf-8</c>,
    /// <c>windows-1252</c> or <c>iso-8859-1</c> (<c>latin1</c>). A byte order mark always wins.
    /// </summary>
    /// <value>The default value is <c>auto</c>.</value>
    public string Encoding { get; set; } = "auto";

    /// <summary>
    /// The culture of numbers and dates in the file, e.g. <c>de-DE</c> (decimal comma, dates <c>dd.MM.yyyy</c>).
    /// Empty means the invariant culture: a decimal point and ISO dates. Thousands separators are never accepted.
    /// </summary>
    /// <value>The default value is empty (invariant).</value>
    public string Culture { get; set; } = "";

    /// <summary>
    /// The field delimiter: <c>auto</c> takes the one of <c>,</c> <c>;</c> and tab the header line uses most;
    /// or the delimiter itself (<c>tab</c> for a tab). <c>Import:TimeEntries:Delimiter</c> and
    /// <c>Import:Milestones:Delimiter</c> override it per kind.
    /// </summary>
    /// <value>The default value is <c>auto</c>.</value>
    public string Delimiter { get; set; } = "auto";
}

/// <summary>Options of <c>import time-entries FILE</c>, section <c>Import:TimeEntries</c>.</summary>
public sealed class TimeEntryImportOptions
{
    /// <summary>The configuration section: <c>Import:TimeEntries</c>.</summary>
    public const string SectionName = "Import:TimeEntries";

    /// <summary>Header names of the columns read (matched ignoring case and surrounding spaces).</summary>
    /// <value>The defaults match a Harvest detailed time export: Date, Project Code, Person, Hours, Cost Rate, Billable Rate, Notes.</value>
    public TimeEntryColumns Columns { get; set; } = new();

    /// <summary>
    /// Accepted date formats (invariant culture), tried in order. Empty means the default; the list starts empty
    /// because the configuration binder appends to a pre-filled list instead of replacing it.
    /// </summary>
    /// <value>The default value is empty, meaning <c>yyyy-MM-dd</c>.</value>
    public List<string> DateFormats { get; set; } = [];

    /// <summary>The formats used: <see cref="DateFormats"/>, or <c>yyyy-MM-dd</c> when none is configured.</summary>
    public IReadOnlyList<string> EffectiveDateFormats => DateFormats.Count > 0 ? DateFormats : ["yyyy-MM-dd"];

    /// <summary>The field delimiter of time-entry files; unset means <c>Import:Delimiter</c>.</summary>
    /// <value>The default value is null: <c>Import:Delimiter</c> (itself <c>auto</c> by default).</value>
    public string? Delimiter { get; set; }

    /// <summary>
    /// The identity of a time entry: the fields (<c>Date</c>, <c>ProjectCode</c>, <c>Person</c>, <c>Hours</c>,
    /// <c>CostRate</c>, <c>BillRate</c>, <c>Notes</c>, <c>Id</c>) that make a row of a re-export the same entry as one
    /// stored before, so it replaces that entry instead of adding one. Entries sharing those values count in file
    /// order (1st, 2nd …); with <c>Id</c> the id must be unique in the file. Empty means the default; the list starts
    /// empty because the configuration binder appends to a pre-filled list.
    /// </summary>
    /// <value>The default value is empty, meaning <c>Date</c>, <c>ProjectCode</c>, <c>Person</c>, <c>Notes</c>.</value>
    public List<string> Key { get; set; } = [];

    /// <summary>Most hours one entry may hold; more is rejected as out of range.</summary>
    /// <value>The default value is 24.</value>
    public decimal MaxHoursPerEntry { get; set; } = 24m;

    /// <summary>Highest cost or bill rate per hour accepted (in the project's currency); more is rejected as out of range.</summary>
    /// <value>The default value is 5000.</value>
    public decimal MaxRate { get; set; } = 5000m;
}

/// <summary>Header names of the time-entry CSV columns.</summary>
public sealed class TimeEntryColumns
{
    /// <value>The default value is <c>Date</c>. Required.</value>
    public string Date { get; set; } = "Date";

    /// <value>The default value is <c>Project Code</c>. Required.</value>
    public string ProjectCode { get; set; } = "Project Code";

    /// <value>The default value is <c>Person</c>. Required.</value>
    public string Person { get; set; } = "Person";

    /// <value>The default value is <c>Hours</c>. Required.</value>
    public string Hours { get; set; } = "Hours";

    /// <value>The default value is <c>Cost Rate</c>. Required.</value>
    public string CostRate { get; set; } = "Cost Rate";

    /// <value>The default value is <c>Billable Rate</c>. Optional column and value (blank = 0, non-billable).</value>
    public string BillRate { get; set; } = "Billable Rate";

    /// <value>The default value is <c>Notes</c>. Optional column and value.</value>
    public string Notes { get; set; } = "Notes";

    /// <value>The default value is <c>Id</c>: the exporting tool's id of the entry. Optional column; required when <c>Import:TimeEntries:Key</c> names <c>Id</c>.</value>
    public string Id { get; set; } = "Id";
}

/// <summary>Options of <c>import milestones FILE</c>, section <c>Import:Milestones</c>.</summary>
public sealed class MilestoneImportOptions
{
    /// <summary>The configuration section: <c>Import:Milestones</c>.</summary>
    public const string SectionName = "Import:Milestones";

    /// <summary>Header names of the columns read (matched ignoring case and surrounding spaces).</summary>
    public MilestoneColumns Columns { get; set; } = new();

    /// <summary>
    /// Accepted date formats (invariant culture), tried in order. Empty means the default; the list starts empty
    /// because the configuration binder appends to a pre-filled list instead of replacing it.
    /// </summary>
    /// <value>The default value is empty, meaning <c>yyyy-MM-dd</c>.</value>
    public List<string> DateFormats { get; set; } = [];

    /// <summary>The formats used: <see cref="DateFormats"/>, or <c>yyyy-MM-dd</c> when none is configured.</summary>
    public IReadOnlyList<string> EffectiveDateFormats => DateFormats.Count > 0 ? DateFormats : ["yyyy-MM-dd"];

    /// <summary>The field delimiter of milestone files; unset means <c>Import:Delimiter</c>.</summary>
    /// <value>The default value is null: <c>Import:Delimiter</c> (itself <c>auto</c> by default).</value>
    public string? Delimiter { get; set; }
}

/// <summary>Header names of the milestone CSV columns.</summary>
public sealed class MilestoneColumns
{
    /// <value>The default value is <c>Project Code</c>. Required.</value>
    public string ProjectCode { get; set; } = "Project Code";

    /// <value>The default value is <c>Milestone</c>. Required.</value>
    public string Name { get; set; } = "Milestone";

    /// <value>The default value is <c>Planned Date</c>. Required.</value>
    public string PlannedDate { get; set; } = "Planned Date";

    /// <value>The default value is <c>Actual Date</c>. Optional value (blank = not reached).</value>
    public string ActualDate { get; set; } = "Actual Date";

    /// <value>The default value is <c>Weight</c>. Required, above 0.</value>
    public string Weight { get; set; } = "Weight";

    /// <value>The default value is <c>Percent Complete</c>. Required, 0–100.</value>
    public string PercentComplete { get; set; } = "Percent Complete";
}
