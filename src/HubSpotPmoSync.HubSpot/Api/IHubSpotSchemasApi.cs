using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>Custom object schemas (<c>/crm-object-schemas/{version}/schemas</c>).</summary>
internal interface IHubSpotSchemasApi
{
    [Get("/crm-object-schemas/{version}/schemas")]
    Task<HttpResponseMessage> ListAsync(string version, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Post("/crm-object-schemas/{version}/schemas")]
    Task<HttpResponseMessage> CreateAsync(
        string version, [Body] SchemaCreateDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    /// <summary>The scope probe: a create with an empty body <c>{}</c>, which HubSpot refuses after checking the scope.</summary>
    [Post("/crm-object-schemas/{version}/schemas")]
    Task<HttpResponseMessage> CreateEmptyAsync(
        string version, [Body] EmptyRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
