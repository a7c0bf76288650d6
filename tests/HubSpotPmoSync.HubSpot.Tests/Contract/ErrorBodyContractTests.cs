using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// HubSpot's error bodies with and without <c>category</c>, <c>errors[]</c> and <c>context</c> (API-FACTS §2, §3: any
/// field may be absent, so the client parses leniently). Whatever the shape, HubSpot's message and correlation id
/// reach the exception or the outcome, and a refusal is not retried.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class ErrorBodyContractTests
{
    [Fact]
    public async Task Bare404_MessageAndCorrelationIdOnly_SurfaceInTheException()
    {
        using var hubSpot = new WireMockHubSpot(["error-404-bare.json"]);

        var error = await Assert.ThrowsAsync<CrmException>(() => hubSpot.Client.DriveAsync(() =>
            hubSpot.Client.Source.GetPipelinesAsync("deals", CancellationToken.None)));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(404, error.StatusCode);
        Assert.Null(error.Category);
        Assert.Contains("resource not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("0b2f5c7e-98a1-4c1e-b3a4-7d6e5f4a3b21", error.Message, StringComparison.Ordinal);
        Assert.Single(hubSpot.Requests);
        Assert.Contains(hubSpot.Client.Logs.Records, l => l.EventId.Id == 4008 && l.Message.Contains("0b2f5c7e-98a1-4c1e-b3a4-7d6e5f4a3b21", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Full409_EveryFieldOfTheStandardBody_CategoryAndMessageSurfaceAndTheCreateIsNotRepeated()
    {
        using var hubSpot = new WireMockHubSpot(["error-409-full.json"]);

        var error = await Assert.ThrowsAsync<CrmException>(() => hubSpot.Client.DriveAsync(() =>
            hubSpot.Client.Writer.CreatePropertyAsync(
                "deals",
                new CrmPropertyDefinition("pmo_health", "Health", "enumeration", "select", "pmo", Options: [new CrmPropertyOption("green", "Green", 0, false)]),
                CancellationToken.None)));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(409, error.StatusCode);
        Assert.Equal("CONFLICT", error.Category);
        Assert.Contains("A property named 'pmo_health' already exists.", error.Message, StringComparison.Ordinal);
        Assert.Contains("3e1d2c4b-5a69-4788-9b0a-1c2d3e4f5a6b", error.Message, StringComparison.Ordinal);
        Assert.Single(hubSpot.Requests);
    }

    /// <summary>A 400 whose message is a summary and whose <c>errors[]</c> and <c>context</c> carry the detail: the
    /// input fails with HubSpot's category and a message that names the refused value; it is not sent again.</summary>
    [Fact]
    public async Task BatchUpdate400WithErrorsAndContext_TheInputFailsWithHubSpotsReason()
    {
        using var hubSpot = new WireMockHubSpot(["error-400-batch-update-errors.json"]);

        var result = await hubSpot.Client.DriveAsync(() => hubSpot.Client.Writer.BatchUpdateAsync(
            "deals", [new CrmUpdate("101", new Dictionary<string, string?> { ["pmo_health"] = "purple" })], CancellationToken.None));

        Assert.Empty(hubSpot.Unmatched);
        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Equal("VALIDATION_ERROR", outcome.ErrorCategory);
        Assert.Contains("purple was not one of the allowed options: [green, amber, red]", outcome.ErrorMessage, StringComparison.Ordinal);
        Assert.Single(hubSpot.Requests);
    }

    [Fact]
    public async Task InvalidAuthentication401_NamesTheSettingNeverTheToken()
    {
        using var hubSpot = new WireMockHubSpot(["error-401-invalid-authentication.json"]);

        var error = await Assert.ThrowsAsync<CrmAuthenticationException>(() => hubSpot.Client.DriveAsync(() =>
            hubSpot.Client.Source.GetPropertiesAsync("deals", CancellationToken.None)));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(401, error.StatusCode);
        Assert.Contains("HubSpot:AccessToken", error.Message, StringComparison.Ordinal);
        Assert.Contains("c6f1a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(HubSpotTestHost.Token, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hubSpot.Client.Logs.AllText, t => t.Contains(HubSpotTestHost.Token, StringComparison.Ordinal));
        Assert.Single(hubSpot.Requests);
        Assert.Equal($"Bearer {HubSpotTestHost.Token}", hubSpot.Requests[0].RequestMessage?.Headers?["Authorization"].Single());
    }
}
