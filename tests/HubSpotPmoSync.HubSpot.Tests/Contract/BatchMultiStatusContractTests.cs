using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// HubSpot's 207 multi-status batch answers (API-FACTS §5): <c>results</c> for the inputs it applied, <c>numErrors</c>
/// and <c>errors[]</c> naming the others in their <c>context</c>. The good inputs succeed, each failed one carries
/// HubSpot's category and message, and a 207 is an answer, not a failure to retry.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class BatchMultiStatusContractTests
{
    private static readonly string[] DealName = ["dealname"];

    [Fact]
    public async Task BatchRead_207ObjectNotFound_FoundRecordsReturnedAndTheUnknownIdReportedMissing()
    {
        using var hubSpot = new WireMockHubSpot(["objects-batch-read-207.json"]);

        var result = await hubSpot.Client.DriveAsync(() =>
            hubSpot.Client.Source.BatchReadAsync("deals", ["101", "102", "103"], DealName, CancellationToken.None));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(["101", "103"], result.Records.Select(r => r.Id));
        Assert.Equal(["Alpha", "Gamma"], result.Records.Select(r => r.Get("dealname")));
        Assert.Equal(["102"], result.MissingIds);
        Assert.Single(hubSpot.Requests);
        Assert.Equal(1, hubSpot.Client.Usage.Snapshot().Count(r => r.EndsWith("/batch/read", StringComparison.Ordinal), o => o == "207"));
    }

    [Fact]
    public async Task BatchUpdate_207ObjectNotFoundForTwoIds_TheOthersSucceedAndTheTwoCarryHubSpotsMessage()
    {
        using var hubSpot = new WireMockHubSpot(["objects-batch-update-207.json"]);
        CrmUpdate[] updates =
        [
            new("101", new Dictionary<string, string?> { ["pmo_health"] = "green" }),
            new("102", new Dictionary<string, string?> { ["pmo_health"] = "red" }),
            new("103", new Dictionary<string, string?> { ["pmo_health"] = "amber" }),
            new("104", new Dictionary<string, string?> { ["pmo_health"] = "red" }),
        ];

        var result = await hubSpot.Client.DriveAsync(() => hubSpot.Client.Writer.BatchUpdateAsync("deals", updates, CancellationToken.None));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(["101", "102", "103", "104"], result.Outcomes.Select(o => o.Key));
        Assert.Equal([true, false, true, false], result.Outcomes.Select(o => o.Succeeded));
        Assert.Equal(["101", "103"], result.Outcomes.Where(o => o.Succeeded).Select(o => o.RecordId));
        Assert.Equal("green", result.Outcomes[0].Record?.Get("pmo_health"));
        Assert.All(result.Failures, o =>
        {
            Assert.Equal("OBJECT_NOT_FOUND", o.ErrorCategory);
            Assert.Equal("Could not get some DEAL objects, they may be deleted or not exist. Check that ids are valid.", o.ErrorMessage);
        });
        Assert.Single(hubSpot.Requests);
        Assert.Equal(["101", "102", "103", "104"], WireMockHubSpot.InputIds(hubSpot.Requests[0]));
        Assert.Contains(hubSpot.Client.Logs.Records, l => l.EventId.Id == 4011 && l.Message.Contains("2 of 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BatchCreate_207ErrorNamingATraceId_ThatInputFailsWithHubSpotsMessageAndTheOthersGetTheirIds()
    {
        using var hubSpot = new WireMockHubSpot(["objects-batch-create-207.json"]);
        CrmCreate[] creates =
        [
            new("kickoff-1", new Dictionary<string, string?> { ["dealname"] = "One", ["dealstage"] = "appointmentscheduled" }),
            new("kickoff-2", new Dictionary<string, string?> { ["dealname"] = "Two", ["dealstage"] = "won" }),
            new("kickoff-3", new Dictionary<string, string?> { ["dealname"] = "Three", ["dealstage"] = "appointmentscheduled" }),
        ];

        var result = await hubSpot.Client.DriveAsync(() => hubSpot.Client.Writer.BatchCreateAsync("deals", creates, CancellationToken.None));

        Assert.Empty(hubSpot.Unmatched);
        Assert.Equal(["kickoff-1:True:901", "kickoff-2:False:", "kickoff-3:True:903"], result.Outcomes.Select(o => $"{o.Key}:{o.Succeeded}:{o.RecordId}"));
        var failed = result.Outcomes[1];
        Assert.Equal("VALIDATION_ERROR", failed.ErrorCategory);
        Assert.Contains("won is not a valid pipeline stage", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.Single(hubSpot.Requests);
    }
}
