using System.Net;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests;

/// <summary>No log line, exception or ToString from any failure path carries the access token.</summary>
public sealed class TokenRedactionTests
{
    public static TheoryData<string> FailurePaths => ["401", "403", "500-echo", "400-echo", "network-echo", "daily", "timeout", "207-echo"];

    [Theory]
    [MemberData(nameof(FailurePaths))]
    public async Task FailurePath_NeverRevealsTheToken(string path)
    {
        var token = HubSpotTestHost.Token;
        var time = new FakeTimeProvider();
        var stub = new StubHttpMessageHandler(async (request, _, ct) =>
        {
            Assert.Equal($"Bearer {token}", request.Authorization);
            switch (path)
            {
                case "401":
                    return Responses.Status(401, """{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION","correlationId":"c1"}""");
                case "403":
                    return Responses.Status(403, $$"""{"status":"error","message":"token {{token}} lacks scopes","category":"MISSING_SCOPES"}""");
                case "500-echo":
                    return Responses.Status(500, $$"""{"status":"error","message":"bad header Bearer {{token}}","category":"INTERNAL_ERROR"}""");
                case "400-echo":
                    return Responses.Status(400, $$"""{"status":"error","message":"invalid {{token}}","category":"VALIDATION_ERROR"}""");
                case "network-echo":
                    throw new HttpRequestException($"connection closed while sending Authorization: Bearer {token}");
                case "daily":
                    return Responses.Daily();
                case "timeout":
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                    return Responses.Ok();
                default:
                    return Responses.Status(207, $$$"""{"status":"COMPLETE","results":[],"errors":[{"status":"error","category":"VALIDATION_ERROR","message":"x {{{token}}}","context":{"ids":["1"]}}]}""");
            }
        });
        using var host = new HubSpotTestHost(
            stub,
            new Dictionary<string, string?> { ["HubSpot:MaxRetryAttempts"] = "2", ["HubSpot:TotalTimeout"] = "00:00:30", ["HubSpot:AttemptTimeout"] = "00:00:05" },
            time);

        var texts = new List<string>();
        try
        {
            if (path is "400-echo" or "207-echo")
            {
                var result = await host.DriveAsync(() => host.Writer.BatchUpdateAsync("deals", [new CrmUpdate("1", new Dictionary<string, string?>())], CancellationToken.None));
                texts.AddRange(result.Outcomes.Select(o => o.ToString()));
                Assert.False(result.Outcomes.Single().Succeeded);
            }
            else
            {
                await host.DriveAsync(() => host.Source.GetPropertiesAsync("deals", CancellationToken.None), TimeSpan.FromMilliseconds(500));
                Assert.Fail("the call should have failed");
            }
        }
        catch (CrmException e)
        {
            texts.Add(e.ToString());
            if (path is "401" or "403")
            {
                Assert.Contains("HubSpot:AccessToken", e.Message, StringComparison.Ordinal);
            }
        }

        texts.AddRange(host.Logs.AllText);
        texts.Add(new HubSpotOptions { AccessToken = token }.ToString());
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.DoesNotContain(token, t, StringComparison.Ordinal));
    }
}
