using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// HubSpot's rate limits on the wire (API-FACTS §4): the <c>X-HubSpot-RateLimit-*</c> headers of every answer steer
/// the client's limiter; a 429 names its policy in the body, sometimes with a <c>Retry-After</c>. The burst policies
/// are retried after the right wait (WireMock scenarios answer 429, then 200), DAILY never. The client's clock is
/// fake: the waits are read from the retry log lines and the clock, never from the wall.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class RateLimitContractTests
{
    private static readonly string[] NoProperties = [];

    public static TheoryData<string, bool, double> BurstLimits => new()
    {
        // Retry-After absent: TEN_SECONDLY_ROLLING waits the window of X-HubSpot-RateLimit-Interval-Milliseconds.
        { "ratelimit-429-ten-secondly.json", false, 10_000 },
        { "ratelimit-429-ten-secondly-retry-after.json", false, 3_000 },
        // Search: no rate-limit headers; SECONDLY known by policyName or by HubSpot's exact message; about 1 s.
        { "ratelimit-429-secondly.json", true, 1_000 },
        { "ratelimit-429-secondly-policy.json", true, 1_000 },
        { "ratelimit-429-secondly-retry-after.json", true, 2_000 },
    };

    /// <summary>The waits the retry strategy scheduled, as its log lines (event 4001) print them for people (<c>3.0 s</c>).</summary>
    private static List<string> ScheduledRetryDelays(HubSpotTestHost host) =>
        host.Logs.Records.Where(r => r.EventId.Id == 4001)
            .Select(r => r.Message[(r.Message.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..])
            .ToList();

    private static Task<IReadOnlyList<CrmPropertyDefinition>> Properties(WireMockHubSpot hubSpot) =>
        hubSpot.Client.Source.GetPropertiesAsync("deals", CancellationToken.None);

    private static async Task<List<CrmRecord>> Search(WireMockHubSpot hubSpot)
    {
        var found = new List<CrmRecord>();
        await foreach (var page in hubSpot.Client.Source.SearchModifiedAsync(
            "deals", new CrmModifiedWindow(DateTimeOffset.Parse("2026-12-01T00:00:00Z", CultureInfo.InvariantCulture)), NoProperties, CancellationToken.None))
        {
            found.AddRange(page.Records);
        }

        return found;
    }

    [Theory]
    [MemberData(nameof(BurstLimits))]
    public async Task BurstLimit429_RetriedOnceAfterTheRightWait_ThenSucceeds(string mapping, bool search, double expectedDelayMs)
    {
        using var hubSpot = new WireMockHubSpot([mapping]);
        var started = hubSpot.Time.GetUtcNow();

        if (search)
        {
            var found = await hubSpot.Client.DriveAsync(() => Search(hubSpot));
            Assert.Equal(["101"], found.Select(r => r.Id));
        }
        else
        {
            var properties = await hubSpot.Client.DriveAsync(() => Properties(hubSpot));
            Assert.Equal(["dealname"], properties.Select(p => p.Name));
        }

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal([429, 200], hubSpot.Requests.Select(r => r.ResponseMessage?.StatusCode is int status ? status : -1));
        Assert.Equal([HumanDuration.Format(TimeSpan.FromMilliseconds(expectedDelayMs))], ScheduledRetryDelays(hubSpot.Client));
        Assert.True(hubSpot.Time.GetUtcNow() - started >= TimeSpan.FromMilliseconds(expectedDelayMs), "the retry waited on the client's clock");
        var usage = hubSpot.Client.Usage.Snapshot();
        Assert.Equal(1, usage.RateLimited);
        Assert.Equal(2, usage.TotalCalls);
    }

    [Theory]
    [InlineData("ratelimit-429-daily.json")]
    [InlineData("ratelimit-429-daily-retry-after.json")]
    public async Task Daily429_NeverRetried_QuotaExceptionAtOnce(string mapping)
    {
        using var hubSpot = new WireMockHubSpot([mapping]);

        var error = await Assert.ThrowsAsync<CrmQuotaExceededException>(() => hubSpot.Client.DriveAsync(() => Properties(hubSpot)));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Single(hubSpot.Requests);
        Assert.Empty(ScheduledRetryDelays(hubSpot.Client));
        Assert.Equal(429, error.StatusCode);
        Assert.Contains("daily", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("c033cdaa-2c40-4a64-ae48-b4cec88dad24", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// An answer saying the 10-second window is spent (Max 190, Remaining 0) holds the next call until the window
    /// rolls, on the client's clock; the same answer with Remaining 189 lets it go at once.
    /// </summary>
    [Theory]
    [InlineData("ratelimit-headers-window-spent.json", true)]
    [InlineData("ratelimit-headers-window-free.json", false)]
    public async Task RateLimitHeaders_RemainingZero_NextCallWaitsForTheWindow(string mapping, bool spent)
    {
        using var hubSpot = new WireMockHubSpot([mapping]);

        // The first call with the clock standing still: the window the headers describe starts now.
        await Properties(hubSpot);
        var afterFirst = hubSpot.Time.GetUtcNow();
        await hubSpot.Client.DriveAsync(() => Properties(hubSpot));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(2, hubSpot.Requests.Count);
        Assert.Equal(190, hubSpot.Client.Limiter.General.Capacity);
        Assert.Contains(hubSpot.Client.Logs.Records, l => l.EventId.Id == 4005);
        var waits = hubSpot.Client.Logs.Records.Where(l => l.EventId.Id == 4006).ToList();
        if (spent)
        {
            var wait = Assert.Single(waits);
            Assert.Contains("general", wait.Message, StringComparison.Ordinal);
            Assert.True(hubSpot.Time.GetUtcNow() - afterFirst >= TimeSpan.FromSeconds(10), "the second call waited for the window to roll");
        }
        else
        {
            Assert.Empty(waits);
        }
    }

    /// <summary>
    /// The daily pair says the portal has 120,000 of 250,000 calls left: with HubSpot:DailyQuotaShare 0.5 this worker
    /// has used its share (the rest is the other integrations'), so the next call is not sent.
    /// </summary>
    [Fact]
    public async Task RateLimitHeaders_DailyRemainderBelowTheShare_NextCallRefusedBeforeItIsSent()
    {
        using var hubSpot = new WireMockHubSpot(["ratelimit-headers-daily-low.json"], new Dictionary<string, string?> { ["HubSpot:DailyQuotaShare"] = "0.5" });

        await hubSpot.Client.DriveAsync(() => Properties(hubSpot));
        var error = await Assert.ThrowsAsync<CrmQuotaExceededException>(() => hubSpot.Client.DriveAsync(() => Properties(hubSpot)));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Single(hubSpot.Requests);
        Assert.Contains("HubSpot:DailyQuotaShare", error.Message, StringComparison.Ordinal);
        Assert.Contains("250000", error.Message, StringComparison.Ordinal);
        Assert.Contains(hubSpot.Client.Logs.Records, l => l.EventId.Id == 4007);
    }
}
