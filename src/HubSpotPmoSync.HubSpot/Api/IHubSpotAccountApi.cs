using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>Account information: the portal's daily API usage (<c>/account-info/{version}/api-usage/daily/private-apps</c>).</summary>
internal interface IHubSpotAccountApi
{
    [Get("/account-info/{version}/api-usage/daily/private-apps")]
    Task<HttpResponseMessage> DailyUsageAsync(string version, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
