using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class WriteBackTextTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DeadLetters_TwoLetters_OneLineEachWithHubSpotsReason()
    {
        var letters = new[]
        {
            new DeadLetter(3, new OutboundChange("projects", "101", "health_status", "purple", "health", ConflictPolicy.LocalWins, T0), "VALIDATION_ERROR", "purple was not one of the allowed options", 1, T0),
            new DeadLetter(4, new OutboundChange("deals", "7", "amount", "10", "mapping:deals.amount", ConflictPolicy.NewestWins, T0), "OBJECT_NOT_FOUND", "gone", 2, T0),
        };

        var text = WriteBackText.DeadLetters(letters);

        Assert.Equal(
            "#3  projects/101.health_status = purple  [health, 1 attempt, 2026-03-02 09:00:00Z]  VALIDATION_ERROR: purple was not one of the allowed options\n"
            + "#4  deals/7.amount = 10  [mapping:deals.amount, 2 attempts, 2026-03-02 09:00:00Z]  OBJECT_NOT_FOUND: gone\n"
            + "2 dead letters\n",
            text);
    }

    [Fact]
    public void Summary_FlushReport_CountsEveryOutcome()
    {
        var applied = new PlannedUpdate("projects", "1", "health_score", "80", "70", true, "local-wins");
        var report = new FlushReport(1, [applied, applied with { Property = "health_status", IsConflict = false }], 5, [applied with { RecordKey = "2" }], 1, 2);

        Assert.Equal(
            "pushed 2 properties on 1 records in 1 write calls; 5 unchanged; 1 conflicts overwritten, 1 kept for HubSpot; 1 dead-lettered; 2 retrying next flush",
            WriteBackText.Summary(report));
    }
}
