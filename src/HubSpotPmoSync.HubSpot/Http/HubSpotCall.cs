using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>
/// What the handlers need to know about a request: the route template it is counted under, the rate-limit
/// budget it draws from and whether repeating it after an unclear failure is safe.
/// </summary>
/// <param name="Route">"METHOD /path/{template}", e.g. <c>POST /crm/v3/objects/{objectType}/search</c>.</param>
/// <param name="Budget">The rate-limit budget.</param>
/// <param name="Idempotent">
/// True when a repeat cannot duplicate anything (reads, PATCH, batch update/upsert/archive, creates carrying a
/// trace id). Non-idempotent calls are retried only when HubSpot certainly did not process them (429, 423).
/// </param>
internal sealed record HubSpotCall(string Route, HubSpotBudget Budget, bool Idempotent)
{
    /// <summary>The request option the call travels under (Refit's <c>[Property]</c> key on every interface method).</summary>
    public const string KeyName = "HubSpotPmoSync.HubSpotCall";

    public static readonly HttpRequestOptionsKey<HubSpotCall> Key = new(KeyName);

    public static HubSpotCall Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var call)
            ? call
            : new HubSpotCall($"{request.Method.Method} {request.RequestUri?.AbsolutePath}", HubSpotBudget.General, request.Method == HttpMethod.Get);
}
