using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>
/// Associations between two object types (<c>/crm/associations/{version}/{fromObjectType}/{toObjectType}</c>; v4 under
/// legacy). The dated batch archive answers 200 with a BatchResponseVoid where v4 answered 204.
/// </summary>
internal interface IHubSpotAssociationsApi
{
    [Post("/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/read")]
    Task<HttpResponseMessage> BatchReadAsync(
        string version,
        string fromObjectType,
        string toObjectType,
        [Body] AssociationBatchReadRequestDto body,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    [Post("/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/associate/default")]
    Task<HttpResponseMessage> AssociateDefaultAsync(
        string version,
        string fromObjectType,
        string toObjectType,
        [Body] AssociationBatchDefaultRequestDto body,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    [Post("/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/create")]
    Task<HttpResponseMessage> BatchCreateAsync(
        string version,
        string fromObjectType,
        string toObjectType,
        [Body] AssociationBatchCreateRequestDto body,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    [Post("/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/archive")]
    Task<HttpResponseMessage> BatchArchiveAsync(
        string version,
        string fromObjectType,
        string toObjectType,
        [Body] AssociationBatchArchiveRequestDto body,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    /// <summary>The association types (labels) defined from one type to another, with their type ids.</summary>
    [Get("/crm/associations/{version}/{fromObjectType}/{toObjectType}/labels")]
    Task<HttpResponseMessage> LabelsAsync(
        string version, string fromObjectType, string toObjectType, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
