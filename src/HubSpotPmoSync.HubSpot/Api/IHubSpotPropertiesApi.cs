using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>Property definitions and groups of a type (<c>/crm/properties/{version}/{objectType}</c>).</summary>
internal interface IHubSpotPropertiesApi
{
    /// <summary>Every property of a type; <paramref name="archived"/> <c>true</c> lists only the archived ones, null the live ones.</summary>
    [Get("/crm/properties/{version}/{objectType}")]
    Task<HttpResponseMessage> ListAsync(
        string version, string objectType, string? archived, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Post("/crm/properties/{version}/{objectType}")]
    Task<HttpResponseMessage> CreateAsync(
        string version, string objectType, [Body] PropertyCreateDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Patch("/crm/properties/{version}/{objectType}/{propertyName}")]
    Task<HttpResponseMessage> UpdateAsync(
        string version,
        string objectType,
        string propertyName,
        [Body] PropertyUpdateDto body,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    /// <summary>Batch create; the scope probe sends it with no inputs (HubSpot checks the scope first, then refuses the empty batch).</summary>
    [Post("/crm/properties/{version}/{objectType}/batch/create")]
    Task<HttpResponseMessage> BatchCreateAsync(
        string version, string objectType, [Body] PropertyBatchCreateRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Get("/crm/properties/{version}/{objectType}/groups")]
    Task<HttpResponseMessage> ListGroupsAsync(
        string version, string objectType, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Post("/crm/properties/{version}/{objectType}/groups")]
    Task<HttpResponseMessage> CreateGroupAsync(
        string version, string objectType, [Body] PropertyGroupDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
