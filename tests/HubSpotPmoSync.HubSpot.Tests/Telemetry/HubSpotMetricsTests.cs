using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Telemetry;
using HubSpotPmoSync.HubSpot.Telemetry;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace HubSpotPmoSync.HubSpot.Tests.Telemetry;

/// <summary>The client's instruments as the pipeline records them: one count per attempt, per 429 and per retry; the limiter's state when read.</summary>
public sealed class HubSpotMetricsTests
{
    [Fact]
    public async Task Attempts_429ThenServerErrorThenOk_CountEachAttemptTheRateLimitAndTheRetries()
    {
        var time = new FakeTimeProvider();
        var stub = StubHttpMessageHandler.Sequence(() => Responses.TenSecondly(intervalMs: 1_000), () => Responses.Status(503), () => Responses.Ok());
        using var host = new HubSpotTestHost(stub, timeProvider: time);
        using var calls = Collector<long>(host, HubSpotMetrics.Calls);
        using var limited = Collector<long>(host, HubSpotMetrics.RateLimited);
        using var retries = Collector<long>(host, HubSpotMetrics.Retries);
        var reachability = host.Services.GetRequiredService<ICrmReachability>();
        Assert.Null(reachability.LastAnswerAt);
        var start = time.GetUtcNow();

        await host.DriveAsync(() => host.Source.GetPropertiesAsync("deals", CancellationToken.None));

        Assert.Equal(3, stub.Count);
        Assert.Equal(
            ["schema 200", "schema 429", "schema 503"],
            calls.GetMeasurementSnapshot().Select(m => $"{m.Tags["group"]} {m.Tags["status"]}").Order(StringComparer.Ordinal));
        Assert.All(calls.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
        var policy = Assert.Single(limited.GetMeasurementSnapshot());
        Assert.Equal("TEN_SECONDLY_ROLLING", policy.Tags["policy"]);
        Assert.Equal(2, retries.GetMeasurementSnapshot().Where(m => (string?)m.Tags["group"] == "schema").Sum(m => m.Value));
        Assert.InRange(reachability.LastAnswerAt!.Value, start, time.GetUtcNow());
    }

    [Fact]
    public async Task Search429WithoutPolicyName_CountsAsSecondlyInTheSearchGroup()
    {
        var stub = StubHttpMessageHandler.Sequence(Responses.Secondly, () => Responses.Ok("""{"results":[],"total":0}"""));
        using var host = new HubSpotTestHost(stub, timeProvider: new FakeTimeProvider());
        using var calls = Collector<long>(host, HubSpotMetrics.Calls);
        using var limited = Collector<long>(host, HubSpotMetrics.RateLimited);

        await host.DriveAsync(async () =>
        {
            await foreach (var _ in host.Source.SearchModifiedAsync("deals", new CrmModifiedWindow(DateTimeOffset.UnixEpoch), ["dealname"], CancellationToken.None))
            {
            }

            return 0;
        });

        Assert.Equal(["search 200", "search 429"], calls.GetMeasurementSnapshot().Select(m => $"{m.Tags["group"]} {m.Tags["status"]}").Order(StringComparer.Ordinal));
        Assert.Equal("SECONDLY", Assert.Single(limited.GetMeasurementSnapshot()).Tags["policy"]);
    }

    [Fact]
    public async Task AttemptWithoutAnswer_CountsTheNetworkOutcome_AndIsNoAnswer()
    {
        var stub = new StubHttpMessageHandler((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused", new SocketException((int)SocketError.ConnectionRefused)));
        using var host = new HubSpotTestHost(stub, new Dictionary<string, string?> { ["HubSpot:MaxRetryAttempts"] = "0" }, new FakeTimeProvider());
        using var calls = Collector<long>(host, HubSpotMetrics.Calls);

        await Assert.ThrowsAnyAsync<Exception>(() => host.DriveAsync(() => host.Source.GetPropertiesAsync("deals", CancellationToken.None)));

        var attempt = Assert.Single(calls.GetMeasurementSnapshot());
        Assert.Equal("refused", attempt.Tags["status"]);
        Assert.Null(host.Services.GetRequiredService<ICrmReachability>().LastAnswerAt);
    }

    [Fact]
    public async Task Gauges_ReadTheLimiterWhenCollected_BurstShareAndDailyRemainder()
    {
        var stub = new StubHttpMessageHandler((_, _) => StubHttpMessageHandler.Json(
            HttpStatusCode.OK,
            Responses.EmptyList,
            ("X-HubSpot-RateLimit-Max", "100"),
            ("X-HubSpot-RateLimit-Remaining", "75"),
            ("X-HubSpot-RateLimit-Interval-Milliseconds", "10000"),
            ("X-HubSpot-RateLimit-Daily", "1000"),
            ("X-HubSpot-RateLimit-Daily-Remaining", "900")));
        using var host = new HubSpotTestHost(stub, new Dictionary<string, string?> { ["HubSpot:Tier"] = "pro", ["HubSpot:DailyQuotaShare"] = "0.5" }, new FakeTimeProvider());
        using var burst = Collector<double>(host, HubSpotMetrics.BurstUtilisation);
        using var daily = Collector<long>(host, HubSpotMetrics.DailyRemaining);
        _ = host.Services.GetRequiredService<ICrmReachability>();

        burst.RecordObservableInstruments();
        daily.RecordObservableInstruments();
        Assert.Equal(0.0, burst.GetMeasurementSnapshot().Single(m => (string?)m.Tags["budget"] == "general").Value);
        Assert.Empty(daily.GetMeasurementSnapshot());

        await host.DriveAsync(() => host.Source.GetPropertiesAsync("deals", CancellationToken.None));
        burst.Clear();
        burst.RecordObservableInstruments();
        daily.RecordObservableInstruments();

        // The portal says 25 of 100 are spent in this window (the call itself included); the day has 900 left and the
        // worker keeps 500 of the 1,000 for the portal's other integrations.
        Assert.Equal(0.25, burst.GetMeasurementSnapshot().Single(m => (string?)m.Tags["budget"] == "general").Value, 3);
        var remaining = daily.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["scope"]!, m => m.Value);
        Assert.Equal(900, remaining["portal"]);
        Assert.Equal(400, remaining["worker"]);
    }

    [Theory]
    [InlineData("POST /crm/objects/2026-03/{objectType}/search", "search")]
    [InlineData("POST /crm/v3/objects/{objectType}/search", "search")]
    [InlineData("GET /crm/objects/2026-03/{objectType}", "list")]
    [InlineData("GET /crm/v3/objects/{objectType}", "list")]
    [InlineData("POST /crm/objects/2026-03/{objectType}/batch/read", "batch")]
    [InlineData("POST /crm/objects/2026-03/{objectType}/batch/update", "write")]
    [InlineData("POST /crm/v3/objects/{objectType}/batch/upsert", "write")]
    [InlineData("POST /crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/read", "associations")]
    [InlineData("POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create", "associations")]
    [InlineData("GET /crm/properties/2026-03/{objectType}", "schema")]
    [InlineData("GET /crm/pipelines/2026-03/{objectType}", "schema")]
    [InlineData("POST /crm-object-schemas/2026-03/schemas", "schema")]
    [InlineData("GET /account-info/2026-03/api-usage/daily/private-apps", "account")]
    [InlineData("diagnostics", "other")]
    public void GroupOf_Route_NamesItsEndpointGroup(string route, string group) =>
        Assert.Equal(group, HubSpotMetrics.GroupOf(route));

    private static MetricCollector<T> Collector<T>(HubSpotTestHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), PmoSyncMeter.Name, instrument);
}
