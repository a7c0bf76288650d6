using System.Net;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests.Http;

/// <summary>The resilience pipeline, driven through the real handler chain on a fake clock: no wall-clock waits.</summary>
public sealed class HubSpotPipelineTests
{
    private static readonly string[] NoProperties = [];

    private static (HubSpotTestHost Host, List<DateTimeOffset> Times) CreateSut(
        Func<int, HttpResponseMessage> respond, IDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider();
        var times = new List<DateTimeOffset>();
        var stub = new StubHttpMessageHandler((_, n) =>
        {
            lock (times)
            {
                times.Add(time.GetUtcNow());
            }

            return respond(n);
        });
        return (new HubSpotTestHost(stub, settings, time), times);
    }

    /// <summary>
    /// The waits the retry strategy scheduled, from its log lines. Exact, unlike the fake clock's reading, which the
    /// test driver may move on a little while the call is busy.
    /// </summary>
    private static List<double> ScheduledDelaysMs(HubSpotTestHost host) =>
        host.Logs.Records.Where(r => r.EventId.Id == 4001)
            .Select(r => Milliseconds(r.Message[(r.Message.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..]))
            .ToList();

    /// <summary>A printed duration ("250 ms", "7.0 s", "2 min 5 s") in milliseconds.</summary>
    private static double Milliseconds(string printed)
    {
        var total = 0d;
        var parts = printed.Split(' ');
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            var value = double.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
            total += parts[i + 1] switch
            {
                "ms" => value,
                "s" => value * 1_000,
                "min" => value * 60_000,
                "h" => value * 3_600_000,
                _ => throw new FormatException(printed),
            };
        }

        return total;
    }

    private static Task<IReadOnlyList<CrmPropertyDefinition>> GetProperties(HubSpotTestHost host) =>
        host.Source.GetPropertiesAsync("deals", CancellationToken.None);

    [Fact]
    public async Task Send_RetryAfterHeader_WaitsThatLongBeforeRetrying()
    {
        var (host, times) = CreateSut(n => n == 0 ? Responses.RetryAfter(429, TimeSpan.FromSeconds(7)) : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal(2, times.Count);
        Assert.Equal([7_000], ScheduledDelaysMs(host));
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task Send_RetryAfterLongerThanMaxRetryDelay_FailsWithoutWaiting()
    {
        var (host, times) = CreateSut(_ => Responses.RetryAfter(503, TimeSpan.FromHours(2)));
        using var _ = host;

        var error = await Assert.ThrowsAsync<CrmException>(() => host.DriveAsync(() => GetProperties(host)));

        Assert.Single(times);
        Assert.Equal(503, error.StatusCode);
    }

    [Fact]
    public async Task Send_TenSecondlyRolling_WaitsForTheWindowFromIntervalHeader()
    {
        var (host, times) = CreateSut(n => n == 0 ? Responses.TenSecondly(intervalMs: 10_000) : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal(2, times.Count);
        Assert.Equal([10_000], ScheduledDelaysMs(host));
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Send_TenSecondlyRollingWithShortInterval_WaitsOnlyThatInterval()
    {
        var (host, times) = CreateSut(n => n == 0 ? Responses.TenSecondly(intervalMs: 2_000) : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal([2_000], ScheduledDelaysMs(host));
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Send_SecondlySearchLimit_WaitsAboutOneSecond()
    {
        var (host, times) = CreateSut(n => n == 0 ? Responses.Secondly() : Responses.Ok("""{"total":0,"results":[]}"""));
        using var _ = host;

        await host.DriveAsync(async () =>
        {
            await foreach (var page in host.Source.SearchModifiedAsync("deals", new CrmModifiedWindow(DateTimeOffset.UnixEpoch), NoProperties, CancellationToken.None))
            {
                Assert.Empty(page.Records);
            }
        });

        Assert.Equal(2, times.Count);
        Assert.Equal([1_000], ScheduledDelaysMs(host));
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Send_DailyLimit_IsNotRetriedAndSurfacesQuotaError()
    {
        var (host, times) = CreateSut(_ => Responses.Daily());
        using var _ = host;

        var error = await Assert.ThrowsAsync<CrmQuotaExceededException>(() => host.DriveAsync(() => GetProperties(host)));

        Assert.Single(times);
        Assert.Contains("daily", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(429, error.StatusCode);
    }

    [Fact]
    public async Task Send_ServerErrorOnRead_IsRetriedWithBackoffUntilSuccess()
    {
        var (host, times) = CreateSut(n => n < 3 ? Responses.Status(503) : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal(4, times.Count);
        Assert.True(times[3] - times[2] > TimeSpan.Zero, "backoff between attempts");
        var usage = host.Usage.Snapshot();
        Assert.Equal(3, usage.Calls["GET /crm/properties/2026-03/{objectType}"]["503"]);
        Assert.Equal(1, usage.Calls["GET /crm/properties/2026-03/{objectType}"]["200"]);
    }

    [Fact]
    public async Task Send_ServerErrorOnNonIdempotentCreate_IsNotRetried()
    {
        var (host, times) = CreateSut(_ => Responses.Status(502));
        using var _ = host;

        await Assert.ThrowsAsync<CrmException>(() => host.DriveAsync(() =>
            host.Writer.CreatePropertyAsync("deals", new CrmPropertyDefinition("x", "X", "string", "text", "g"), CancellationToken.None)));

        Assert.Single(times);
    }

    [Fact]
    public async Task Send_RateLimitedNonIdempotentCreate_IsRetriedBecauseHubSpotDidNotProcessIt()
    {
        var (host, times) = CreateSut(n => n == 0 ? Responses.TenSecondly(1_000) : Responses.Status(201, """{"name":"x"}"""));
        using var _ = host;

        await host.DriveAsync(() =>
            host.Writer.CreatePropertyAsync("deals", new CrmPropertyDefinition("x", "X", "string", "text", "g"), CancellationToken.None));

        Assert.Equal(2, times.Count);
    }

    [Fact]
    public async Task Send_ConnectionReset_IsRetried()
    {
        var (host, times) = CreateSut(n => n == 0 ? throw new HttpRequestException("Connection reset by peer") : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal(2, times.Count);
        Assert.Equal(1, host.Usage.Snapshot().Calls["GET /crm/properties/2026-03/{objectType}"]["reset"]);
    }

    /// <summary>Issue 17: a refused connection is called that, with the host and port and the setting to check.</summary>
    [Fact]
    public async Task Send_ConnectionRefused_LogsAndFailsNamingHostPortAndTheSetting()
    {
        var (host, times) = CreateSut(
            _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.hubapi.com:443)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)),
            new Dictionary<string, string?> { ["HubSpot:MaxRetryAttempts"] = "1" });
        using var _ = host;

        var error = await Assert.ThrowsAsync<CrmException>(() => host.DriveAsync(() => GetProperties(host)));

        Assert.Equal(2, times.Count);
        Assert.Contains("connection refused by api.hubapi.com:443 (is HubSpot:BaseAddress right?)", error.Message, StringComparison.Ordinal);
        var retry = Assert.Single(host.Logs.Records, r => r.EventId.Id == 4001);
        Assert.Contains("connection refused by api.hubapi.com:443", retry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("reset", retry.Message, StringComparison.Ordinal);
        Assert.Equal(2, host.Usage.Snapshot().Calls["GET /crm/properties/2026-03/{objectType}"]["refused"]);
    }

    /// <summary>Issue 17: a retry's wait is printed for people ("7.0 s"), not as "7000 ms" or "1026.1188 ms".</summary>
    [Fact]
    public async Task Send_Retry_LogsTheWaitAsAHumanDuration()
    {
        var (host, _) = CreateSut(n => n == 0 ? Responses.RetryAfter(429, TimeSpan.FromSeconds(7)) : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        var retry = Assert.Single(host.Logs.Records, r => r.EventId.Id == 4001);
        Assert.EndsWith("retry 1 in 7.0 s", retry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_TruncatedBody_IsRetriedAndCountedAsTruncated()
    {
        var (host, times) = CreateSut(n => n == 0 ? Responses.Ok("""{"results":[{"name":"a","lab""") : Responses.Ok());
        using var _ = host;

        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal(2, times.Count);
        Assert.Equal(1, host.Usage.Snapshot().Calls["GET /crm/properties/2026-03/{objectType}"]["truncated"]);
    }

    [Fact]
    public async Task Send_NoAnswerWithinTotalTimeout_FailsWithTimeoutNamingTheSettings()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHttpMessageHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return Responses.Ok();
        });
        using var host = new HubSpotTestHost(
            stub,
            new Dictionary<string, string?> { ["HubSpot:TotalTimeout"] = "00:00:20", ["HubSpot:AttemptTimeout"] = "00:00:08", ["HubSpot:RetryBaseDelay"] = "00:00:00.100" },
            time);
        var started = time.GetUtcNow();

        var error = await Assert.ThrowsAsync<CrmException>(() => host.DriveAsync(() => GetProperties(host), TimeSpan.FromMilliseconds(250)));

        Assert.Equal("TIMEOUT", error.Category);
        Assert.Contains("HubSpot:TotalTimeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(time.GetUtcNow() - started, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.InRange(stub.Count, 2, 3); // attempts at 0 s, ~8 s, ~16 s; the total timeout cuts the last one at 20 s
        Assert.True(host.Usage.Snapshot().Calls["GET /crm/properties/2026-03/{objectType}"]["timeout"] >= 1);
    }

    [Fact]
    public async Task Send_RepeatedOutages_OpenTheCircuitThenTrialCallClosesIt()
    {
        var healthy = false;
        var time = new FakeTimeProvider();
        var stub = new StubHttpMessageHandler((_, _) => healthy ? Responses.Ok() : Responses.Status(503));
        using var host = new HubSpotTestHost(
            stub,
            new Dictionary<string, string?>
            {
                ["HubSpot:MaxRetryAttempts"] = "0",
                ["HubSpot:CircuitBreakerMinimumThroughput"] = "4",
                ["HubSpot:CircuitBreakerFailureRatio"] = "0.5",
                ["HubSpot:CircuitBreakerBreakDuration"] = "00:00:15",
            },
            time);

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<CrmException>(() => host.DriveAsync(() => GetProperties(host)));
        }

        var open = await Assert.ThrowsAsync<CrmException>(() => GetProperties(host));
        Assert.Equal("CIRCUIT_OPEN", open.Category);
        Assert.Equal(4, stub.Count); // the open circuit did not send
        Assert.Contains(host.Logs.Records, r => r.EventId.Id == 4002);

        healthy = true;
        time.Advance(TimeSpan.FromSeconds(16));
        await host.DriveAsync(() => GetProperties(host));
        await host.DriveAsync(() => GetProperties(host));

        Assert.Equal(6, stub.Count);
        Assert.Contains(host.Logs.Records, r => r.EventId.Id == 4004);
    }

    [Fact]
    public async Task Send_RateLimited429_DoesNotOpenTheCircuit()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHttpMessageHandler((_, n) => n % 2 == 0 ? Responses.TenSecondly(100) : Responses.Ok());
        using var host = new HubSpotTestHost(
            stub,
            new Dictionary<string, string?> { ["HubSpot:CircuitBreakerMinimumThroughput"] = "2", ["HubSpot:CircuitBreakerFailureRatio"] = "0.1" },
            time);

        for (var i = 0; i < 5; i++)
        {
            await host.DriveAsync(() => GetProperties(host));
        }

        Assert.Equal(10, stub.Count);
        Assert.DoesNotContain(host.Logs.Records, r => r.EventId.Id == 4002);
    }

    [Fact]
    public async Task Send_CallerCancelsDuringRetryWait_ThrowsCancellationNotCrmError()
    {
        var (host, times) = CreateSut(_ => Responses.RetryAfter(503, TimeSpan.FromSeconds(30)));
        using var _ = host;
        using var cts = new CancellationTokenSource();

        var call = host.Source.GetPropertiesAsync("deals", cts.Token);
        await Task.Delay(50);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(times);
    }
}
