using System.Net.Http.Headers;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>Reads a <c>Retry-After</c> header (delta seconds or an HTTP date) against the injected clock.</summary>
internal static class RetryAfter
{
    public static bool TryGet(HttpResponseMessage response, TimeProvider timeProvider, out TimeSpan delay) =>
        TryGet(response.Headers.RetryAfter, timeProvider, out delay);

    public static bool TryGet(RetryConditionHeaderValue? header, TimeProvider timeProvider, out TimeSpan delay)
    {
        switch (header)
        {
            case { Delta: { } delta }:
                delay = delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
                return true;
            case { Date: { } date }:
                var wait = date - timeProvider.GetUtcNow();
                delay = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
                return true;
            default:
                delay = default;
                return false;
        }
    }
}
