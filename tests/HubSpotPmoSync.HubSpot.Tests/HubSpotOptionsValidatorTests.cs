namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotOptionsValidatorTests
{
    [Fact]
    public void Validate_OutOfRangeValues_NameEachKey()
    {
        var options = new HubSpotOptions { AccessToken = "", SearchPageSize = 500, AssociationsBatchSize = 0, AttemptTimeout = TimeSpan.FromMilliseconds(5) };

        var result = new HubSpotOptionsValidator().Validate(null, options);

        var text = string.Join("\n", result.Failures!);
        Assert.Contains("HubSpot:AccessToken is required", text, StringComparison.Ordinal);
        Assert.True(text.Contains("HubSpot:SearchPageSize must be between 1 and 200", StringComparison.Ordinal), text);
        Assert.Contains("HubSpot:AssociationsBatchSize must be between 1 and 1000", text, StringComparison.Ordinal);
        Assert.Contains("HubSpot:AttemptTimeout must be between", text, StringComparison.Ordinal);
    }
}
