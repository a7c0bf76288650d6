using System.Net;
using System.Net.Sockets;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests.Diagnostics;

/// <summary>The diagnostics port against canned answers: ping outcomes, scope probes, daily usage; one call each, no retries.</summary>
public sealed class HubSpotDiagnosticsTests
{
    private static readonly DateTimeOffset ServerDate = new(2026, 12, 7, 23, 30, 0, TimeSpan.Zero);

    private static HubSpotTestHost CreateSut(StubHttpMessageHandler stub, string version = "2026-03") =>
        new(stub, new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = version });

    [Fact]
    public async Task PingAsync_Answer200_ReachableTokenAcceptedVersionServedWithServerDate()
    {
        var stub = new StubHttpMessageHandler((_, _) =>
        {
            var response = Responses.Ok();
            response.Headers.Date = ServerDate;
            return response;
        });
        using var host = CreateSut(stub);

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.True(ping.Reachable);
        Assert.Null(ping.UnreachableReason);
        Assert.Equal(200, ping.StatusCode);
        Assert.Equal(HubSpotTokenStatus.Accepted, ping.Token);
        Assert.Equal(HubSpotVersionStatus.Served, ping.Version);
        Assert.Equal(ServerDate, ping.ServerDate);
        Assert.NotNull(ping.RoundTrip);
        Assert.Equal("2026-03", ping.ApiVersion);
        Assert.Equal("GET /crm/objects/2026-03/companies?limit=1&archived=false", ping.Call);
        Assert.Equal($"Bearer {HubSpotTestHost.Token}", stub.Requests.Single().Authorization);
    }

    [Fact]
    public async Task PingAsync_401_TokenRejectedWithoutTheToken()
    {
        var stub = new StubHttpMessageHandler((_, _) => Responses.Status(
            401, $$"""{"status":"error","message":"Authentication credentials not found for {{HubSpotTestHost.Token}}","category":"INVALID_AUTHENTICATION"}"""));
        using var host = CreateSut(stub);

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.True(ping.Reachable);
        Assert.Equal(HubSpotTokenStatus.Rejected, ping.Token);
        Assert.Equal(401, ping.StatusCode);
        Assert.Contains("INVALID_AUTHENTICATION", ping.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(HubSpotTestHost.Token, ping.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task PingAsync_403MissingScope_TokenAccepted()
    {
        using var host = CreateSut(new StubHttpMessageHandler((_, _) => Responses.Status(403, """{"status":"error","message":"m","category":"MISSING_SCOPES"}""")));

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.Equal(HubSpotTokenStatus.Accepted, ping.Token);
        Assert.Equal(HubSpotVersionStatus.Served, ping.Version);
    }

    [Fact]
    public async Task PingAsync_DatedPath404LegacyAnswers_VersionNotServed()
    {
        var stub = new StubHttpMessageHandler((r, _) => r.Uri.AbsolutePath.Contains("/2026-09/", StringComparison.Ordinal)
            ? Responses.Status(404, """{"status":"error","message":"resource not found"}""")
            : Responses.Ok());
        using var host = CreateSut(stub, "2026-09");

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.Equal(HubSpotVersionStatus.NotServed, ping.Version);
        Assert.Equal(HubSpotTokenStatus.Accepted, ping.Token);
        Assert.Equal(404, ping.StatusCode);
        Assert.Contains("2026-09", ping.Detail, StringComparison.Ordinal);
        Assert.Equal(["/crm/objects/2026-09/companies", "/crm/v3/objects/companies"], stub.Requests.Select(r => r.Uri.AbsolutePath));
    }

    [Fact]
    public async Task PingAsync_BothFamilies404_VersionUnknownPointingAtTheBaseAddress()
    {
        using var host = CreateSut(new StubHttpMessageHandler((_, _) => Responses.Status(404)));

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.Equal(HubSpotVersionStatus.Unknown, ping.Version);
        Assert.Contains("HubSpot:BaseAddress", ping.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingAsync_503_AnsweredOnceNoRetryTokenUnknown()
    {
        var stub = new StubHttpMessageHandler((_, _) => Responses.Status(503, """{"status":"error","message":"down"}"""));
        using var host = CreateSut(stub);

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.Equal(503, ping.StatusCode);
        Assert.Equal(HubSpotTokenStatus.Unknown, ping.Token);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task PingAsync_NothingListening_UnreachableConnectionRefused()
    {
        // A port that was free a moment ago and has no listener: the connection is refused at once.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var host = new HubSpotTestHost(primary: null, baseAddress: new Uri($"http://127.0.0.1:{port}"));

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.False(ping.Reachable);
        Assert.Equal("connection refused", ping.UnreachableReason);
        Assert.Null(ping.StatusCode);
        Assert.Equal(HubSpotTokenStatus.Unknown, ping.Token);
        Assert.Equal(HubSpotVersionStatus.Unknown, ping.Version);
    }

    [Fact]
    public async Task PingAsync_NameNotResolved_UnreachableHostNameNotFound()
    {
        var stub = new StubHttpMessageHandler((_, _) => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (api.hubapi.invalid:443)"));
        using var host = CreateSut(stub);

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.False(ping.Reachable);
        Assert.Equal("host name not found (api.hubapi.com)", ping.UnreachableReason);
    }

    [Fact]
    public async Task CheckScopesAsync_EachScopeByItsProbe_MissingPresentAndUnknown()
    {
        var stub = new StubHttpMessageHandler((r, _) => r.Uri.AbsolutePath switch
        {
            "/crm/objects/2026-03/deals/batch/update" => Responses.Status(
                403, """{"status":"error","message":"m","category":"MISSING_SCOPES","errors":[{"message":"x","context":{"requiredGranularScopes":["crm.objects.deals.write"]}}]}"""),
            "/crm/properties/2026-03/deals/batch/create" => Responses.Status(400, """{"status":"error","message":"inputs must not be empty","category":"VALIDATION_ERROR"}"""),
            "/crm-object-schemas/2026-03/schemas" => Responses.Status(503, """{"status":"error","message":"down"}"""),
            "/crm/properties/2026-03/deals" => Responses.Status(401, """{"status":"error","category":"INVALID_AUTHENTICATION"}"""),
            _ => Responses.Ok(),
        });
        using var host = CreateSut(stub);

        var checks = await host.Diagnostics.CheckScopesAsync(
            [
                new("crm.objects.deals.read", HubSpotScopeProbe.ObjectRead, "deals", "read deals"),
                new("crm.objects.deals.write", HubSpotScopeProbe.ObjectWrite, "deals", "push rollups to deals"),
                new("crm.objects.deals.write", HubSpotScopeProbe.ObjectWrite, "deals", "kickoff"),
                new("crm.schemas.deals.read", HubSpotScopeProbe.SchemaRead, "deals", "check the properties of deals"),
                new("crm.schemas.deals.write", HubSpotScopeProbe.SchemaWrite, "deals", "schema apply"),
                new("crm.schemas.custom.write", HubSpotScopeProbe.CustomSchemaWrite, "2-1", "create the custom project object"),
            ],
            CancellationToken.None);

        Assert.Equal(
            [
                ("crm.objects.deals.read", HubSpotScopeStatus.Present),
                ("crm.objects.deals.write", HubSpotScopeStatus.Missing),
                ("crm.schemas.deals.read", HubSpotScopeStatus.Unknown),
                ("crm.schemas.deals.write", HubSpotScopeStatus.Present),
                ("crm.schemas.custom.write", HubSpotScopeStatus.Unknown),
            ],
            checks.Select(c => (c.Scope, c.Status)));
        Assert.Equal("push rollups to deals, kickoff", checks[1].Reason);
        Assert.Equal("HubSpot requires crm.objects.deals.write", checks[1].Detail);
        Assert.Equal("POST /crm/objects/2026-03/deals/batch/update", checks[1].Probe);
        Assert.Contains("401", checks[2].Detail, StringComparison.Ordinal);
        Assert.Contains("503", checks[4].Detail, StringComparison.Ordinal);

        // The probes create nothing: empty batches and an empty schema.
        Assert.Equal(5, stub.Count);
        Assert.Equal("""{"inputs":[]}""", stub.Requests[1].Body);
        Assert.Equal("""{"inputs":[]}""", stub.Requests[3].Body);
        Assert.Equal("{}", stub.Requests[4].Body);
    }

    [Fact]
    public async Task CheckScopesAsync_Unreachable_EveryScopeUnknownWithTheReason()
    {
        using var host = CreateSut(new StubHttpMessageHandler((_, _) =>
            throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))));

        var checks = await host.Diagnostics.CheckScopesAsync([new("tickets", HubSpotScopeProbe.ObjectRead, "tickets", "read tickets")], CancellationToken.None);

        Assert.Equal((HubSpotScopeStatus.Unknown, "connection refused"), (checks.Single().Status, checks.Single().Detail));
    }

    [Theory]
    [InlineData("2026-03", "/account-info/2026-03/api-usage/daily/private-apps")]
    [InlineData("legacy", "/account-info/v3/api-usage/daily/private-apps")]
    public async Task GetDailyUsageAsync_ReadsLimitUsageAndReset(string version, string path)
    {
        var stub = new StubHttpMessageHandler((_, _) => Responses.Ok(
            """{"results":[{"name":"private-apps-api-calls-daily","usageLimit":625000,"currentUsage":1234,"collectedAt":"2026-12-07T23:00:00.000Z","fetchStatus":"SUCCESS","resetsAt":"2026-12-08T05:00:00.000Z"}]}"""));
        using var host = CreateSut(stub, version);

        var usage = await host.Diagnostics.GetDailyUsageAsync(CancellationToken.None);

        Assert.Equal(new HubSpotDailyUsage(625_000, 1234, new DateTimeOffset(2026, 12, 8, 5, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero)), usage);
        Assert.Equal(623_766, usage!.Remaining);
        Assert.Equal(path, stub.Requests.Single().Uri.AbsolutePath);
    }

    [Fact]
    public async Task GetDailyUsageAsync_NotOffered_Null_TokenRefused_Throws()
    {
        using var notFound = CreateSut(new StubHttpMessageHandler((_, _) => Responses.Status(404)));
        using var refused = CreateSut(new StubHttpMessageHandler((_, _) => Responses.Status(401, """{"status":"error","category":"INVALID_AUTHENTICATION"}""")));

        Assert.Null(await notFound.Diagnostics.GetDailyUsageAsync(CancellationToken.None));
        var error = await Assert.ThrowsAsync<CrmAuthenticationException>(() => refused.Diagnostics.GetDailyUsageAsync(CancellationToken.None));
        Assert.Contains("HubSpot:AccessToken", error.Message, StringComparison.Ordinal);
    }
}
