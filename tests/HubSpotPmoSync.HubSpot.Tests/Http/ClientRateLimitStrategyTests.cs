using System.Net;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;
using Polly.Timeout;

namespace HubSpotPmoSync.HubSpot.Tests.Http;

/// <summary>The client-side limiter as the pipeline runs it: before every attempt, corrected by every answer.</summary>
public sealed class ClientRateLimitStrategyTests
{
    [Fact]
    public async Task Calls_BeyondTheBurstLimit_WaitForTheWindowInsteadOfDrawing429s()
    {
        var time = new FakeTimeProvider();
        var times = new List<DateTimeOffset>();
        var stub = new StubHttpMessageHandler((_, _) =>
        {
            lock (times)
            {
                times.Add(time.GetUtcNow());
            }

            return Responses.Ok();
        });
        using var host = new HubSpotTestHost(stub, new Dictionary<string, string?> { ["HubSpot:Tier"] = "free" }, time);
        var start = time.GetUtcNow();

        await host.DriveAsync(async () =>
        {
            for (var i = 0; i < 101; i++)
            {
                await host.Source.GetPropertiesAsync("deals", CancellationToken.None);
            }

            return 0;
        });

        Assert.Equal(101, times.Count);
        Assert.All(times.Take(100), t => Assert.True(t - start < TimeSpan.FromSeconds(10)));
        Assert.True(times[100] - times[0] >= TimeSpan.FromSeconds(10), "the 101st call waited for the first token to come back");
    }

    [Fact]
    public async Task Answer_ReportingLowRemaining_SlowsTheNextCalls()
    {
        var time = new FakeTimeProvider();
        var times = new List<DateTimeOffset>();
        var stub = new StubHttpMessageHandler((_, n) =>
        {
            lock (times)
            {
                times.Add(time.GetUtcNow());
            }

            // Another client of the same app has used the window: 1 call left of 100 in 2 s windows.
            return StubHttpMessageHandler.Json(
                HttpStatusCode.OK,
                Responses.EmptyList,
                ("X-HubSpot-RateLimit-Max", "100"),
                ("X-HubSpot-RateLimit-Remaining", n == 0 ? "1" : "99"),
                ("X-HubSpot-RateLimit-Interval-Milliseconds", "2000"));
        });
        using var host = new HubSpotTestHost(stub, new Dictionary<string, string?> { ["HubSpot:Tier"] = "pro" }, time);

        await host.DriveAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                await host.Source.GetPropertiesAsync("deals", CancellationToken.None);
            }

            return 0;
        });

        Assert.Equal(100, host.Limiter.General.Capacity);
        Assert.Equal(TimeSpan.FromSeconds(2), host.Limiter.General.Interval);
        Assert.True(times[1] - times[0] < TimeSpan.FromSeconds(1), "one call was left");
        Assert.True(times[2] - times[0] >= TimeSpan.FromSeconds(2), "then the window had to roll");
    }

    [Theory]
    [InlineData(typeof(TimeoutRejectedException), "timeout")]
    [InlineData(typeof(TruncatedResponseException), "truncated")]
    [InlineData(typeof(HttpRequestException), "reset")]
    [InlineData(typeof(InvalidOperationException), "error")]
    public void OutcomeOf_Exception_NamesTheOutcome(Type exceptionType, string expected)
    {
        var exception = (Exception)Activator.CreateInstance(exceptionType)!;

        Assert.Equal(expected, ClientRateLimitStrategy.OutcomeOf(exception, CancellationToken.None));
    }

    [Fact]
    public void OutcomeOf_CallerCancelled_IsCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Equal("canceled", ClientRateLimitStrategy.OutcomeOf(new OperationCanceledException(), cts.Token));
    }
}
