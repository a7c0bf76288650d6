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

    [Theory]
    [InlineData("2026-03")]
    [InlineData("2026-09")]
    [InlineData("legacy")]
    public void Validate_KnownApiVersion_Succeeds(string version)
    {
        var result = new HubSpotOptionsCrossValidator().Validate(null, new HubSpotOptions { AccessToken = "pat-na1-x", ApiVersion = version });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("v3")]
    [InlineData("2026-3")]
    [InlineData("2027-03")]
    [InlineData("Legacy")]
    [InlineData("")]
    public void Validate_UnknownApiVersion_FailsNamingTheKeyAndTheAllowedValues(string version)
    {
        var result = new HubSpotOptionsCrossValidator().Validate(null, new HubSpotOptions { AccessToken = "pat-na1-x", ApiVersion = version });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"HubSpot:ApiVersion '{version}' is not a known API version: use 2026-03, 2026-09 or legacy.", failure);
    }

    [Fact]
    public void Defaults_ApiVersionIs202603()
    {
        Assert.Equal("2026-03", new HubSpotOptions().ApiVersion);
    }
}
