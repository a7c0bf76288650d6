namespace HubSpotPmoSync.HubSpot;

/// <summary>
/// The HubSpot subscription a private app runs under; it decides the client-side rate limits
/// (HubSpot's API usage guidelines) unless explicit limits are configured.
/// </summary>
public enum HubSpotTier
{
    /// <summary>Free and Starter: 100 calls / 10 s, 250,000 a day, associations 100 / 10 s.</summary>
    Free,

    /// <summary>Professional: 190 calls / 10 s, 625,000 a day, associations 150 / 10 s.</summary>
    Pro,

    /// <summary>Enterprise: 190 calls / 10 s, 1,000,000 a day, associations 150 / 10 s.</summary>
    Enterprise,

    /// <summary>With the API limit increase add-on: 250 calls / 10 s, 1,625,000 a day, associations 200 / 10 s.</summary>
    Addon,

    /// <summary>No client-side limits except what the portal's rate-limit headers report (emulator, tests).</summary>
    Unlimited,
}
