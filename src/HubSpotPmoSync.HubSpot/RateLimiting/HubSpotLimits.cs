namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>
/// The starting client-side limits, from the tier (HubSpot's API usage guidelines for private apps) or from the
/// explicit settings; the portal's rate-limit headers correct them while the client runs.
/// A null limit means the client does not throttle that budget until the portal reports one.
/// </summary>
internal sealed record HubSpotLimits(int? Burst, int? SearchPerSecond, int? AssociationsBurst, long? Daily)
{
    /// <summary>The window of the burst limits.</summary>
    public static readonly TimeSpan BurstInterval = TimeSpan.FromSeconds(10);

    /// <summary>The window of the search limit.</summary>
    public static readonly TimeSpan SearchInterval = TimeSpan.FromSeconds(1);

    public static HubSpotLimits For(HubSpotOptions options)
    {
        var tier = options.Tier switch
        {
            HubSpotTier.Free => new HubSpotLimits(100, 5, 100, 250_000),
            HubSpotTier.Pro => new HubSpotLimits(190, 5, 150, 625_000),
            HubSpotTier.Enterprise => new HubSpotLimits(190, 5, 150, 1_000_000),
            HubSpotTier.Addon => new HubSpotLimits(250, 5, 200, 1_625_000),
            _ => new HubSpotLimits(null, null, null, null),
        };

        return new HubSpotLimits(
            options.BurstLimit ?? tier.Burst,
            options.SearchLimitPerSecond ?? tier.SearchPerSecond,
            options.AssociationsBurstLimit ?? tier.AssociationsBurst,
            options.DailyLimit ?? tier.Daily);
    }
}
