using System.Text.Json;
using HubSpotPmoSync.HubSpot.Dtos;

namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotMappingTests
{
    [Fact]
    public void ToRecord_WireObject_KeepsIdPropertiesAndTimes()
    {
        var dto = JsonSerializer.Deserialize(
            """{"id":"513881705057","properties":{"amount":null,"hs_lastmodifieddate":"2025-12-22T18:16:33.376Z","num":12},"createdAt":"2025-12-22T18:16:33.376Z","updatedAt":"2025-12-22T18:16:33.376Z","archived":true,"archivedAt":"2026-01-01T00:00:00.000Z"}""",
            HubSpotJsonContext.Default.ObjectDto)!;

        var record = HubSpotMapping.ToRecord(dto);

        Assert.Equal("513881705057", record.Id);
        Assert.Null(record.Get("amount"));
        Assert.Equal("12", record.Get("num"));
        Assert.True(record.Archived);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), record.ArchivedAt);
        Assert.Equal(1766427393376, HubSpotMapping.ModifiedMilliseconds(record, "hs_lastmodifieddate"));
    }

    [Fact]
    public void ToRecord_NoTimestampFields_FallsBackToProperties()
    {
        var record = HubSpotMapping.ToRecord(new ObjectDto("1", new() { ["createdate"] = "1700000000000", ["lastmodifieddate"] = "2024-01-02T03:04:05.678Z" }, null, null, false, null, null, null));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), record.CreatedAt);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), record.UpdatedAt);
    }

    [Fact]
    public void ToStage_TicketClosedState_IsClosed()
    {
        var stage = HubSpotMapping.ToStage(new PipelineStageDto("4", "Closed", 3, new() { ["ticketState"] = "CLOSED" }, false));

        Assert.True(stage.IsClosed);
        Assert.Null(stage.Probability);
    }

    [Fact]
    public void ErrorKeys_ReadIdsAndTraceIdsFromContext()
    {
        var batch = JsonSerializer.Deserialize(
            """{"status":"COMPLETE","errors":[{"status":"error","category":"OBJECT_NOT_FOUND","context":{"ids":["1","2"],"objectWriteTraceId":["t9"],"other":["x"]}}]}""",
            HubSpotJsonContext.Default.BatchObjectResponseDto)!;
        var error = batch.Errors!.Single();

        Assert.Equal(["1", "2", "t9"], HubSpotMapping.ErrorKeys(error!));
    }

    [Fact]
    public void ToWireProperties_NullClearsTheValue()
    {
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "", ["b"] = "x" }, HubSpotMapping.ToWireProperties(new Dictionary<string, string?> { ["a"] = null, ["b"] = "x" }));
    }
}
