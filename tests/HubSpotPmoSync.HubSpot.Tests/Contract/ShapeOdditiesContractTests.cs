using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// HubSpot's shape oddities as they come over the wire (API-FACTS §5, §8): what the client must make of each.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class ShapeOdditiesContractTests
{
    /// <summary>
    /// The association batch read sends <c>toObjectId</c> as a JSON number (the spec says string; 5790939450 is
    /// beyond a 32-bit integer) and once as a string; the primary type (5, "Primary") beside the unlabelled one (341,
    /// label null) on the same pair; a user-defined label; and a 207 error for an input without links. The client
    /// gives one link per pair carrying every type, ids as strings, and treats the "no links" error as no links.
    /// </summary>
    [Fact]
    public async Task AssociationBatchRead_NumericToObjectId_PrimaryBesideUnlabelled_OneLinkPerPairWithEveryType()
    {
        using var hubSpot = new WireMockHubSpot(["associations-batch-read-oddities.json"]);

        var links = await hubSpot.Client.Source.ReadAssociationsAsync("deals", "companies", ["33451", "33452", "33453"], CancellationToken.None);

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(
            ["33451→30528195785", "33451→5790939450", "33452→5790939450"],
            links.Select(l => $"{l.FromId}→{l.ToId}").Order(StringComparer.Ordinal));
        var primaryPair = links.Single(l => l is { FromId: "33451", ToId: "5790939450" });
        Assert.Equal(
            [new AssociationKind("HUBSPOT_DEFINED", 5, "Primary"), new AssociationKind("HUBSPOT_DEFINED", 341, null)],
            primaryPair.Kinds);
        var labelledPair = links.Single(l => l is { FromId: "33451", ToId: "30528195785" });
        Assert.Equal(
            [new AssociationKind("HUBSPOT_DEFINED", 341, null), new AssociationKind("USER_DEFINED", 28, "Billing contact")],
            labelledPair.Kinds);
        Assert.DoesNotContain(links, l => l.FromId == "33453");
        Assert.Single(hubSpot.Requests);
        Assert.Equal(["33451", "33452", "33453"], WireMockHubSpot.InputIds(hubSpot.Requests[0]));
    }

    /// <summary>
    /// Records that carry a v3 <c>associations</c> block (a pair listed twice, as <c>deal_to_company</c> and
    /// <c>deal_to_company_unlabeled</c>; line items under the key <c>"line items"</c>, with a space), a null value and
    /// an omitted one: the client reads every record with its properties and timestamps, unbothered by the block.
    /// </summary>
    [Fact]
    public async Task ObjectBatchRead_AssociationsBlockWithSpacedKeyAndNullValues_RecordsReadIntact()
    {
        using var hubSpot = new WireMockHubSpot(["objects-batch-read-oddities.json"]);

        var result = await hubSpot.Client.Source.BatchReadAsync(
            "deals", ["513881705057", "513881705058"], ["dealname", "amount"], CancellationToken.None);

        Assert.Empty(hubSpot.Unmatched);
        Assert.Empty(result.MissingIds);
        Assert.Equal(["513881705057", "513881705058"], result.Records.Select(r => r.Id));
        var first = result.Records[0];
        Assert.Equal("Rollout Nordics", first.Get("dealname"));
        Assert.True(first.Properties.ContainsKey("amount"));
        Assert.Null(first.Get("amount"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T08:15:00.500Z", System.Globalization.CultureInfo.InvariantCulture), first.UpdatedAt);
        Assert.False(first.Archived);
        Assert.Null(result.Records[1].Get("amount"));
        Assert.Equal("Rollout Benelux", result.Records[1].Get("dealname"));
    }
}
