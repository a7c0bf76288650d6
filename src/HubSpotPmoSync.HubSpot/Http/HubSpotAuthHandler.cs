using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>Adds the access token (a service key or an app token) as a bearer credential. The only place the token is read.</summary>
internal sealed class HubSpotAuthHandler(IOptions<HubSpotOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.AccessToken);
        return base.SendAsync(request, cancellationToken);
    }
}
