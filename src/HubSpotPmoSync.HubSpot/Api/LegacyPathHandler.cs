namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>
/// Serves <c>HubSpot:ApiVersion = legacy</c>: moves each request of the dated family onto the numeric one
/// (<c>/crm/objects/2026-03/deals</c> → <c>/crm/v3/objects/deals</c>); passes everything through for a date version.
/// </summary>
/// <remarks>
/// Why a handler and not a second set of interfaces: the two families take and return the same bodies (API-FACTS §16:
/// "the v3/v4 shapes"), so they differ in the path alone, and that difference is one regular table
/// (<see cref="HubSpotApiFamily.ToLegacy"/>). A second set of seven interfaces would repeat every declaration, and
/// every change to one family would have to be made twice. The one answer that differs (association batch archive:
/// 204 on v4, 200 with a BatchResponseVoid on the dated family) is read by status in the client, where both are
/// handled anyway. When the numeric family goes (v4 in March 2027, v3 in September 2027) this file and one branch of
/// the option go with it.
/// </remarks>
internal sealed class LegacyPathHandler(HubSpotApiFamily family) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (family.IsLegacy && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            var path = HubSpotApiFamily.ToLegacy(uri.AbsolutePath);
            if (path != uri.AbsolutePath)
            {
                // The path is already escaped; a string Uri keeps it as it is (UriBuilder.Path would escape it again).
                request.RequestUri = new Uri(uri.GetLeftPart(UriPartial.Authority) + path + uri.Query);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
