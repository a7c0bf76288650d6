using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class ConflictPoliciesTests
{
    [Theory]
    [InlineData("hubspot-wins", ConflictPolicy.HubSpotWins)]
    [InlineData("LOCAL-WINS", ConflictPolicy.LocalWins)]
    [InlineData("newest-wins", ConflictPolicy.NewestWins)]
    public void TryParse_KnownName_ReturnsPolicyThatRoundTrips(string name, ConflictPolicy expected)
    {
        Assert.True(ConflictPolicies.TryParse(name, out var policy));
        Assert.Equal(expected, policy);
        Assert.Equal(name.ToLowerInvariant(), policy.Name());
    }

    [Fact]
    public void Parse_UnknownName_Throws() => Assert.Throws<FormatException>(() => ConflictPolicies.Parse("last-writer"));
}
