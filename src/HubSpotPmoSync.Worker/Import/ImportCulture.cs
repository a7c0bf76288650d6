namespace HubSpotPmoSync.Worker.Import;

/// <summary>
/// The culture of an import file's numbers and dates (<c>Import:Culture</c>): its decimal separator and the date
/// formats it writes. The program runs with invariant globalization (the same output on every machine, no ICU data),
/// so the cultures an import reads are this table rather than the operating system's.
/// </summary>
internal sealed record ImportCulture(string Name, char DecimalSeparator, IReadOnlyList<string> DateFormats)
{
    private const string DayMonthSlash = "d/M/yyyy";
    private const string DayMonthDot = "d.M.yyyy";

    /// <summary>Empty <c>Import:Culture</c>: a decimal point and ISO dates only.</summary>
    public static ImportCulture Invariant { get; } = new("", '.', []);

    private static readonly ImportCulture[] Table =
    [
        new("en-US", '.', ["M/d/yyyy"]),
        new("en-GB", '.', [DayMonthSlash]),
        new("en-IE", '.', [DayMonthSlash]),
        new("en-AU", '.', [DayMonthSlash]),
        new("en-NZ", '.', [DayMonthSlash]),
        new("en-IN", '.', [DayMonthSlash, "d-M-yyyy"]),
        new("en-CA", '.', []),
        new("de-DE", ',', [DayMonthDot]),
        new("de-AT", ',', [DayMonthDot]),
        new("de-CH", '.', [DayMonthDot]),
        new("fr-FR", ',', [DayMonthSlash]),
        new("fr-BE", ',', [DayMonthSlash]),
        new("fr-CA", ',', []),
        new("it-IT", ',', [DayMonthSlash]),
        new("es-ES", ',', [DayMonthSlash]),
        new("es-MX", '.', [DayMonthSlash]),
        new("nl-NL", ',', ["d-M-yyyy"]),
        new("nl-BE", ',', [DayMonthSlash]),
        new("pt-PT", ',', [DayMonthSlash]),
        new("pt-BR", ',', [DayMonthSlash]),
        new("sv-SE", ',', []),
        new("da-DK", ',', [DayMonthDot, "d-M-yyyy"]),
        new("nb-NO", ',', [DayMonthDot]),
        new("fi-FI", ',', [DayMonthDot]),
        new("pl-PL", ',', [DayMonthDot]),
        new("cs-CZ", ',', [DayMonthDot, "d. M. yyyy"]),
        new("ja-JP", '.', ["yyyy/M/d"]),
        new("zh-CN", '.', ["yyyy/M/d"]),
    ];

    /// <summary>The culture names known, for error messages and docs.</summary>
    public static IReadOnlyList<string> Known { get; } = Table.Select(c => c.Name).ToArray();

    public bool IsInvariant => Name.Length == 0;

    /// <summary>The name as shown in messages.</summary>
    public string Display => IsInvariant ? "invariant" : Name;

    /// <summary>The culture named (ignoring case; empty or <c>invariant</c> is the invariant culture); false when unknown.</summary>
    public static bool TryGet(string? name, out ImportCulture culture)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0 || string.Equals(trimmed, "invariant", StringComparison.OrdinalIgnoreCase))
        {
            culture = Invariant;
            return true;
        }

        culture = Table.FirstOrDefault(c => string.Equals(c.Name, trimmed.Replace('_', '-'), StringComparison.OrdinalIgnoreCase))!;
        return culture is not null;
    }
}
