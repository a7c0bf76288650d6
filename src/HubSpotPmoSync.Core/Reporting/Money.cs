namespace HubSpotPmoSync.Core.Reporting;

/// <summary>
/// Money rounding used everywhere a figure is shown or totalled: to the cent, halves away from zero, once per
/// line. Totals are sums of the rounded lines, so a report always adds up to the cent.
/// </summary>
public static class Money
{
    public static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public static decimal? Round(decimal? value) => value is { } v ? Round(v) : null;

    /// <summary>Percentages are shown with one decimal, halves away from zero.</summary>
    public static decimal? RoundPercent(decimal? value) => value is { } v ? Math.Round(v, 1, MidpointRounding.AwayFromZero) : null;
}
