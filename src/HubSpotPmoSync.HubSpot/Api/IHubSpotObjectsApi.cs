using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using Refit;

namespace HubSpotPmoSync.HubSpot.Api;

// The HTTP surface of HubSpot, one interface per API group, declared for the dated family (API-FACTS §16); Refit's
// source generator writes the implementations (no reflection) and HubSpotJsonContext serializes the bodies.
//
// Every method returns the HttpResponseMessage: the status decides how HubSpot's body is read (200 or 207 batch,
// 204 or 200 BatchResponseVoid, a 400 that becomes per-input outcomes), so HubSpotClient reads it, maps errors and
// pages. Each method carries its HubSpotCall as a request option ([Property]): the route template it is counted
// under, its rate-limit budget and whether a repeat is safe, read by the handlers below (ResilienceHandler …).
// {version} is HubSpotApiFamily.PathVersion; under HubSpot:ApiVersion = legacy, LegacyPathHandler rewrites the path.

/// <summary>CRM objects: list, batch read / create / update / upsert / archive (<c>/crm/objects/{version}/{objectType}</c>).</summary>
internal interface IHubSpotObjectsApi
{
    /// <summary>One page of a type's records; <paramref name="properties"/> comma-separated, <paramref name="archived"/> <c>true</c>/<c>false</c>.</summary>
    [Get("/crm/objects/{version}/{objectType}")]
    Task<HttpResponseMessage> ListAsync(
        string version,
        string objectType,
        int limit,
        string archived,
        string? properties,
        string? after,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    [Post("/crm/objects/{version}/{objectType}/batch/read")]
    Task<HttpResponseMessage> BatchReadAsync(
        string version,
        string objectType,
        [Body] BatchReadRequestDto body,
        string archived,
        [Property(HubSpotCall.KeyName)] HubSpotCall call,
        CancellationToken cancellationToken);

    [Post("/crm/objects/{version}/{objectType}/batch/create")]
    Task<HttpResponseMessage> BatchCreateAsync(
        string version, string objectType, [Body] BatchCreateRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Post("/crm/objects/{version}/{objectType}/batch/update")]
    Task<HttpResponseMessage> BatchUpdateAsync(
        string version, string objectType, [Body] BatchUpdateRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    /// <summary>Create-or-update by a unique property; each input names its <c>idProperty</c>, each result says whether it is <c>new</c>.</summary>
    [Post("/crm/objects/{version}/{objectType}/batch/upsert")]
    Task<HttpResponseMessage> BatchUpsertAsync(
        string version, string objectType, [Body] BatchUpsertRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);

    [Post("/crm/objects/{version}/{objectType}/batch/archive")]
    Task<HttpResponseMessage> BatchArchiveAsync(
        string version, string objectType, [Body] BatchArchiveRequestDto body, [Property(HubSpotCall.KeyName)] HubSpotCall call, CancellationToken cancellationToken);
}
