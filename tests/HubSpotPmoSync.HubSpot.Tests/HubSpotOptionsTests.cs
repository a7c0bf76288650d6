namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotOptionsTests
{
    [Fact]
    public void ToString_NeverShowsTheToken()
    {
        var options = new HubSpotOptions { AccessToken = HubSpotTestHost.Token };

        var text = options.ToString();

        Assert.DoesNotContain(HubSpotTestHost.Token, text, StringComparison.Ordinal);
        Assert.Contains("AccessToken = ***", text, StringComparison.Ordinal);
        Assert.Contains("Tier = Pro", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new HubSpotOptions();

        Assert.Equal(new Uri("https://api.hubapi.com"), options.BaseAddress);
        Assert.Equal(HubSpotTier.Pro, options.Tier);
        Assert.Equal(0.5, options.DailyQuotaShare);
        Assert.Equal(200, options.SearchPageSize);
        Assert.Equal(1000, options.AssociationsBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), options.TotalTimeout);
    }
}
