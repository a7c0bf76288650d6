using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// Since 2026-09 HubSpot validates API writes like the UI (API-FACTS §16): a record that breaks a portal rule (here a
/// conditionally required property) makes a batch update answer 400 <c>VALIDATION_ERROR</c>. That record must fail
/// with HubSpot's message — the outbox dead-letters it from that outcome — while the rest of its batch is written,
/// and nothing is ever sent again as if the refusal were transient. WireMock's request log shows what was sent.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class WriteValidationContractTests
{
    private const string RefusalMessage = "Closed lost reason is required when Deal stage is Closed lost.";

    private static CrmUpdate Update(string id, string stage) => new(id, new Dictionary<string, string?> { ["dealstage"] = stage });

    [Fact]
    public async Task ValidationError_OneRecordOfThree_OnlyItFailsWithHubSpotsMessage_NoRequestRepeated()
    {
        using var hubSpot = new WireMockHubSpot(["write-validation-batch-update-2026-03.json"]);

        var result = await hubSpot.Client.DriveAsync(() => hubSpot.Client.Writer.BatchUpdateAsync(
            "deals", [Update("2001", "closedwon"), Update("2002", "closedlost"), Update("2003", "closedwon")], CancellationToken.None));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(["2001:True", "2002:False", "2003:True"], result.Outcomes.Select(o => $"{o.Key}:{o.Succeeded}"));
        var refused = result.Outcomes[1];
        Assert.Equal("VALIDATION_ERROR", refused.ErrorCategory);
        Assert.Equal(RefusalMessage, refused.ErrorMessage);
        AssertNeverRetried(hubSpot);
        var sent = hubSpot.Requests.Select(r => string.Join(',', WireMockHubSpot.InputIds(r))).ToList();
        Assert.Single(sent, s => s == "2002");
        Assert.Contains(sent, s => s.Split(',').Contains("2001"));
        Assert.Contains(sent, s => s.Split(',').Contains("2003"));
    }

    /// <summary>The refused record alone: one call, one failed outcome, no exception (an exception would leave the
    /// write pending as a transient failure and send it again on every flush).</summary>
    [Theory]
    [InlineData("2026-03")]
    [InlineData("2026-09")]
    public async Task ValidationError_SingleRecord_OneCallAndAFailedOutcome(string apiVersion)
    {
        using var hubSpot = new WireMockHubSpot(
            [$"write-validation-batch-update-{apiVersion}.json"], new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = apiVersion });

        var result = await hubSpot.Client.DriveAsync(() => hubSpot.Client.Writer.BatchUpdateAsync("deals", [Update("2002", "closedlost")], CancellationToken.None));

        Assert.Empty(hubSpot.Unmatched);
        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(("2002", false, "VALIDATION_ERROR", RefusalMessage), (outcome.Key, outcome.Succeeded, outcome.ErrorCategory, outcome.ErrorMessage));
        AssertNeverRetried(hubSpot);
        var request = Assert.Single(hubSpot.Requests);
        Assert.Equal($"/crm/objects/{apiVersion}/deals/batch/update", request.RequestMessage?.Path);
    }

    /// <summary>No request body went out twice, no retry was scheduled, and every attempt got an answer (none was
    /// counted as a 5xx, 429 or network failure).</summary>
    private static void AssertNeverRetried(WireMockHubSpot hubSpot)
    {
        var sentAgain = hubSpot.Requests.GroupBy(r => r.RequestMessage?.Body, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Count()}× {g.Key}")
            .ToList();
        Assert.Empty(sentAgain);
        Assert.DoesNotContain(hubSpot.Client.Logs.Records, l => l.EventId.Id == 4001);
        var usage = hubSpot.Client.Usage.Snapshot();
        Assert.Equal(hubSpot.Requests.Count, usage.TotalCalls);
        Assert.Equal(
            usage.TotalCalls,
            usage.Count(_ => true, o => o is "200" or "400"));
    }
}
