namespace HubSpotPmoSync.Core.EarnedValue;

/// <summary>
/// How a performance index (CPI, SPI, TCPI) is shown anywhere — the health reasons, the reports and the values pushed
/// to HubSpot: rounded once, here, to <see cref="Decimals"/> decimals, halves away from zero. Rounding the unrounded
/// index every time (never a rounded one again) makes every place show the same figure.
/// </summary>
public static class EarnedValueIndex
{
    /// <summary>Decimals of a shown index.</summary>
    public const int Decimals = 2;

    /// <summary>The index as shown: two decimals, halves away from zero.</summary>
    public static decimal Round(decimal value) => Math.Round(value, Decimals, MidpointRounding.AwayFromZero);

    /// <summary>The index as shown; null stays null.</summary>
    public static decimal? Round(decimal? value) => value is { } v ? Round(v) : null;
}
