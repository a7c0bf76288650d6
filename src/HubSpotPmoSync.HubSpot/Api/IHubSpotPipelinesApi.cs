using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>Pipelines and their stages of a type (<c>/crm/pipelines/{version}/{objectType}</c>).</summary>
internal interface IHubSpotPipelinesApi
{
    [Get("/crm/pipelines/{version}/{objectType}")]
    Task<HttpResponseMessage> ListAsync(
        string version, string objectType, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
