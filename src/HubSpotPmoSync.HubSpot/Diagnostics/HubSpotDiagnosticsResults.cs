namespace HubSpotPmoSync.HubSpot.Diagnostics;

/// <summary>Whether HubSpot accepted the token of <c>HubSpot:AccessToken</c>.</summary>
public enum HubSpotTokenStatus
{
    /// <summary>Not known: HubSpot was not reached, or answered with a server error.</summary>
    Unknown,

    /// <summary>HubSpot authenticated the call (any answer but 401; a 403 means accepted but lacking a scope).</summary>
    Accepted,

    /// <summary>HubSpot answered 401: the token is wrong, revoked or expired.</summary>
    Rejected,
}

/// <summary>Whether HubSpot serves the configured <c>HubSpot:ApiVersion</c>.</summary>
public enum HubSpotVersionStatus
{
    /// <summary>Not known: HubSpot was not reached, or neither family answered.</summary>
    Unknown,

    /// <summary>The family's path answered (anything but 404).</summary>
    Served,

    /// <summary>The family's path answered 404 while the legacy path answered: this portal (or emulator) does not serve the version.</summary>
    NotServed,
}

/// <summary>The outcome of <see cref="IHubSpotDiagnostics.PingAsync"/>.</summary>
/// <param name="BaseAddress">The <c>HubSpot:BaseAddress</c> called.</param>
/// <param name="ApiVersion">The <c>HubSpot:ApiVersion</c> checked (<c>2026-03</c>, <c>2026-09</c> or <c>legacy</c>).</param>
/// <param name="Call">The call made, <c>GET /crm/objects/2026-03/companies?limit=1</c>.</param>
/// <param name="Reachable">Whether an HTTP answer came back.</param>
/// <param name="UnreachableReason">Why not, in plain words (<c>connection refused</c>, <c>host name not found</c>, <c>no answer within 10 s</c> …); null when reachable.</param>
/// <param name="StatusCode">The status of the family's answer.</param>
/// <param name="Token">Whether the token was accepted.</param>
/// <param name="Version">Whether the API version is served.</param>
/// <param name="ServerDate">HubSpot's <c>Date</c> header (compare with the local clock).</param>
/// <param name="RoundTrip">How long the call took, answer included.</param>
/// <param name="Detail">HubSpot's category and message when it refused the call (token removed), or what was found about the version.</param>
public sealed record HubSpotPing(
    Uri BaseAddress,
    string ApiVersion,
    string Call,
    bool Reachable,
    string? UnreachableReason,
    int? StatusCode,
    HubSpotTokenStatus Token,
    HubSpotVersionStatus Version,
    DateTimeOffset? ServerDate,
    TimeSpan? RoundTrip,
    string? Detail);

/// <summary>The cheapest call that proves a scope and creates nothing.</summary>
public enum HubSpotScopeProbe
{
    /// <summary><c>GET …/objects/{version}/{type}?limit=1</c>.</summary>
    ObjectRead,

    /// <summary><c>POST …/objects/{version}/{type}/batch/update</c> with <c>{"inputs":[]}</c>.</summary>
    ObjectWrite,

    /// <summary><c>GET /crm/properties/{version}/{type}</c>.</summary>
    SchemaRead,

    /// <summary><c>POST /crm/properties/{version}/{type}/batch/create</c> with <c>{"inputs":[]}</c>.</summary>
    SchemaWrite,

    /// <summary><c>POST /crm-object-schemas/{version}/schemas</c> with <c>{}</c>.</summary>
    CustomSchemaWrite,
}

/// <summary>A scope the token needs, the call that proves it, and why the product needs it.</summary>
/// <param name="Scope">HubSpot's scope name, e.g. <c>crm.objects.deals.write</c> or <c>tickets</c>.</param>
/// <param name="Probe">The call that proves it.</param>
/// <param name="ObjectType">The object type the probe calls (<c>deals</c>, <c>2-123</c>; unused by <see cref="HubSpotScopeProbe.CustomSchemaWrite"/>).</param>
/// <param name="Reason">Why it is needed, e.g. <c>push health to deals</c> (several reasons joined by <c>, </c>).</param>
public sealed record HubSpotScopeRequirement(string Scope, HubSpotScopeProbe Probe, string ObjectType, string Reason);

/// <summary>The verdict on one scope.</summary>
public enum HubSpotScopeStatus
{
    /// <summary>The probe was answered without <c>MISSING_SCOPES</c>.</summary>
    Present,

    /// <summary>HubSpot answered 403 <c>MISSING_SCOPES</c>.</summary>
    Missing,

    /// <summary>Could not tell: the token was refused (401), HubSpot failed (5xx, 429) or was not reached; see the detail.</summary>
    Unknown,
}

/// <summary>The outcome of one scope's probe.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Status">Present, missing or unknown.</param>
/// <param name="Reason">Why the product needs it (from the requirement).</param>
/// <param name="Probe">The call made, e.g. <c>POST /crm/objects/2026-03/deals/batch/update</c>.</param>
/// <param name="StatusCode">HubSpot's status, when it answered.</param>
/// <param name="Detail">For a missing scope, the scopes HubSpot named; for an unknown one, why (<c>connection refused</c>, <c>401 …</c>); else null.</param>
public sealed record HubSpotScopeCheck(string Scope, HubSpotScopeStatus Status, string Reason, string Probe, int? StatusCode, string? Detail);

/// <summary>The portal's API usage of the day (all its private apps and service keys together).</summary>
/// <param name="UsageLimit">The daily limit, when HubSpot reports one.</param>
/// <param name="CurrentUsage">Calls counted so far today.</param>
/// <param name="ResetsAt">When the count starts again (midnight in the portal's time zone), when reported.</param>
/// <param name="CollectedAt">When HubSpot took the figures, when reported.</param>
public sealed record HubSpotDailyUsage(long? UsageLimit, long CurrentUsage, DateTimeOffset? ResetsAt, DateTimeOffset? CollectedAt)
{
    /// <summary>Calls left today (null when the limit is not reported).</summary>
    public long? Remaining => UsageLimit is { } limit ? Math.Max(0, limit - CurrentUsage) : null;
}
