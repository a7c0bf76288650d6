namespace HubSpotPmoSync.HubSpot.RateLimiting;

/// <summary>The HubSpot rate-limit budget a call draws from.</summary>
internal enum HubSpotBudget
{
    /// <summary>The per-app 10-second burst limit (objects, properties, schemas, pipelines).</summary>
    General,

    /// <summary>The CRM search limit (per second, per account); search answers carry no rate-limit headers.</summary>
    Search,

    /// <summary>The associations API's own 10-second limit (HubSpot's associations guide); it is separate from <see cref="General"/>.</summary>
    Associations,
}
