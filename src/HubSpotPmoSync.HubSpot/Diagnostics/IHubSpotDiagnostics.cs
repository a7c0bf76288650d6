namespace HubSpotPmoSync.HubSpot.Diagnostics;

/// <summary>
/// The checks an operator needs before the first sync (the <c>doctor</c> command, the sync's start-up scope check). Every
/// call goes to the configured <c>HubSpot:ApiVersion</c> family, once, without retries and with a short timeout, so a
/// check answers in seconds; none creates or changes anything in HubSpot, and no result carries the token.
/// </summary>
public interface IHubSpotDiagnostics
{
    /// <summary>
    /// One cheap authenticated call (<c>GET …/objects/{version}/companies?limit=1</c>): whether HubSpot is reachable, its
    /// status, whether the token is accepted, whether the API version is served (a 404 on the family's path while the
    /// legacy path answers means it is not), the server's <c>Date</c> and the round trip. Never throws for an
    /// unreachable or refusing HubSpot: the answer says so.
    /// </summary>
    Task<HubSpotPing> PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Proves each required scope by the cheapest call that needs it and creates nothing (see <see cref="HubSpotScopeProbe"/>):
    /// 403 <c>MISSING_SCOPES</c> → <see cref="HubSpotScopeStatus.Missing"/>; any other answer (2xx, 400, 404 …) →
    /// <see cref="HubSpotScopeStatus.Present"/>; 401, 5xx, 429 or no answer → <see cref="HubSpotScopeStatus.Unknown"/> with the
    /// reason. One result per distinct scope, in the order of <paramref name="required"/>.
    /// </summary>
    Task<IReadOnlyList<HubSpotScopeCheck>> CheckScopesAsync(IReadOnlyCollection<HubSpotScopeRequirement> required, CancellationToken cancellationToken);

    /// <summary>
    /// The portal's daily API usage from the family's usage endpoint (<c>/account-info/{version}/api-usage/daily/private-apps</c>),
    /// or null when HubSpot reports none for this token (404, 403, no results). Throws <see cref="Core.Crm.CrmException"/> when
    /// HubSpot cannot be reached or refuses the token (<see cref="Core.Crm.CrmAuthenticationException"/>).
    /// </summary>
    Task<HubSpotDailyUsage?> GetDailyUsageAsync(CancellationToken cancellationToken);
}
