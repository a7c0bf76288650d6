namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotOptionsCrossValidatorTests
{
    [Fact]
    public void Validate_SeveralProblems_ReportsAllWithoutTheTokenValue()
    {
        var options = new HubSpotOptions
        {
            AccessToken = "Bearer pat-secret",
            BaseAddress = new Uri("https://api.hubapi.com/?x=1"),
            DailyQuotaShare = 0,
            RetryBaseDelay = TimeSpan.FromMinutes(2),
            MaxRetryDelay = TimeSpan.FromMinutes(1),
        };

        var result = new HubSpotOptionsCrossValidator().Validate(null, options);

        var failures = result.Failures!.ToList();
        Assert.Equal(4, failures.Count);
        Assert.All(failures, f => Assert.StartsWith("HubSpot:", f, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain("pat-secret", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new HubSpotOptionsCrossValidator().Validate(null, new HubSpotOptions { AccessToken = "pat-na1-x" });

        Assert.True(result.Succeeded);
    }
}
