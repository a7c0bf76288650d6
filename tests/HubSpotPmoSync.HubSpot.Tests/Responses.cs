using System.Globalization;
using System.Net;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests;

/// <summary>Canned HubSpot answers for stub-based tests.</summary>
internal static class Responses
{
    public const string EmptyList = """{"results":[]}""";

    public static HttpResponseMessage Ok(string json = EmptyList) => StubHttpMessageHandler.Json(HttpStatusCode.OK, json);

    public static HttpResponseMessage Status(int status, string json = "{}") => StubHttpMessageHandler.Json((HttpStatusCode)status, json);

    public static HttpResponseMessage TenSecondly(int intervalMs = 10_000) => StubHttpMessageHandler.Json(
        HttpStatusCode.TooManyRequests,
        """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}""",
        ("X-HubSpot-RateLimit-Interval-Milliseconds", intervalMs.ToString(CultureInfo.InvariantCulture)),
        ("X-HubSpot-RateLimit-Max", "190"),
        ("X-HubSpot-RateLimit-Remaining", "0"));

    public static HttpResponseMessage Secondly() => StubHttpMessageHandler.Json(
        HttpStatusCode.TooManyRequests,
        """{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT"}""");

    public static HttpResponseMessage Daily() => StubHttpMessageHandler.Json(
        HttpStatusCode.TooManyRequests,
        """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY","correlationId":"c033cdaa"}""");

    public static HttpResponseMessage RetryAfter(int status, TimeSpan delay)
    {
        var response = StubHttpMessageHandler.Json((HttpStatusCode)status, """{"status":"error","message":"slow down"}""");
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        return response;
    }

    public static string Record(string id, long modifiedMs, string? extraProperty = null)
    {
        var iso = DateTimeOffset.FromUnixTimeMilliseconds(modifiedMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var extra = extraProperty is null ? string.Empty : $",{extraProperty}";
        return $$"""{"id":"{{id}}","properties":{"hs_object_id":"{{id}}","hs_lastmodifieddate":"{{iso}}"{{extra}}},"createdAt":"{{iso}}","updatedAt":"{{iso}}","archived":false}""";
    }
}
