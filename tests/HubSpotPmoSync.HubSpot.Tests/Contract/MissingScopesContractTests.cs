using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// The 403 <c>MISSING_SCOPES</c> body (API-FACTS §2, §16): the scopes the call needs are in
/// <c>errors[0].context.requiredGranularScopes</c>, not in the top-level message. The client raises
/// <see cref="CrmMissingScopesException"/> (an authentication exception) naming them, and does not retry.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class MissingScopesContractTests
{
    [Fact]
    public async Task MissingScopes403_ExceptionNamesTheRequiredScopes()
    {
        using var hubSpot = new WireMockHubSpot(["error-403-missing-scopes.json"]);

        var error = await Assert.ThrowsAsync<CrmMissingScopesException>(() => hubSpot.Client.DriveAsync(() =>
            hubSpot.Client.Source.GetPropertiesAsync("deals", CancellationToken.None)));

        Assert.Empty(hubSpot.Unmatched);
        Assert.IsAssignableFrom<CrmAuthenticationException>(error);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal("MISSING_SCOPES", error.Category);
        Assert.Equal(["crm.schemas.deals.read", "crm.objects.deals.read"], error.RequiredScopes);
        Assert.Contains("crm.schemas.deals.read", error.Message, StringComparison.Ordinal);
        Assert.Contains("crm.objects.deals.read", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(HubSpotTestHost.Token, error.ToString(), StringComparison.Ordinal);
        Assert.Single(hubSpot.Requests);
    }
}
