using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>CRM search (<c>POST /crm/objects/{version}/{objectType}/search</c>): ≤ 200 a page, offset paging, 10,000 results a query.</summary>
internal interface IHubSpotSearchApi
{
    [Post("/crm/objects/{version}/{objectType}/search")]
    Task<HttpResponseMessage> SearchAsync(
        string version, string objectType, [Body] SearchRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
