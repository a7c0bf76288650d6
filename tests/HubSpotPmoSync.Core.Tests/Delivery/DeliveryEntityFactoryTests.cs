using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Delivery;

public sealed class DeliveryEntityFactoryTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static DeliveryEntityFactory CreateSut() => new(SeedPortal.DealPipelines, SeedPortal.TicketPipelines);

    private static StoredRecord Record(EntityKind kind, Dictionary<string, string?> locals, bool archived = false) =>
        new(kind, "7", archived, null, At.AddDays(-2), At, new Dictionary<string, string?>(), locals);

    [Theory]
    [InlineData("closedwon", true)]
    [InlineData("closedlost", false)]
    [InlineData("contractsent", false)]
    [InlineData("unknownstage", false)]
    public void ToDeal_Stage_ClosedWonFromStageMetadata(string stage, bool won)
    {
        var deal = CreateSut().ToDeal(Record(EntityKind.Deal, new() { ["name"] = "D", ["pipeline"] = "default", ["stage"] = stage, ["amount"] = "10.5", ["close_date"] = "2026-03-10T12:00:00.000Z" }));

        Assert.Equal(won, deal.IsClosedWon);
        Assert.Equal((10.5m, new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)), (deal.Amount, deal.CloseDate!.Value));
    }

    [Theory]
    [InlineData("1", null, true)]
    [InlineData("4", null, false)]
    [InlineData("99", null, true)]
    [InlineData("99", "2026-02-01T10:00:00.000Z", false)]
    public void ToTicket_Stage_OpenFromStageMetadata(string stage, string? closedAt, bool open)
    {
        var ticket = CreateSut().ToTicket(Record(EntityKind.Ticket, new() { ["subject"] = "S", ["pipeline"] = "0", ["stage"] = stage, ["closed_at"] = closedAt, ["priority"] = "HIGH" }));

        Assert.Equal(open, ticket.IsOpen);
        Assert.Equal(("HIGH", At.AddDays(-2)), (ticket.Priority, ticket.CreatedAt));
    }

    [Fact]
    public void ToProject_LocalValues_TypedProject()
    {
        var project = DeliveryEntityFactory.ToProject(Record(EntityKind.Project, new()
        {
            ["name"] = "P", ["code"] = "PRJ-1", ["status"] = "on_hold", ["budget"] = "48000", ["currency"] = "EUR",
            ["start_date"] = "2026-01-05", ["due_date"] = "2026-06-30", ["percent_complete"] = "35",
        }, archived: true));

        Assert.Equal(new Project("7", "PRJ-1", "P", "on_hold", new DateOnly(2026, 1, 5), new DateOnly(2026, 6, 30), 48000m, "EUR", 35m, true, CreatedAt: At.AddDays(-2)), project);
        Assert.False(project.IsActive);
    }

    [Theory]
    [InlineData("EUR", "EUR")]
    [InlineData(" EUR ", "EUR")]
    [InlineData("   ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ToProjectAndToDeal_Currency_TrimmedAndBlankIsNone(string? stored, string? expected)
    {
        var project = DeliveryEntityFactory.ToProject(Record(EntityKind.Project, new() { ["code"] = "PRJ-1", ["currency"] = stored }));
        var deal = CreateSut().ToDeal(Record(EntityKind.Deal, new() { ["name"] = "D", ["pipeline"] = "default", ["stage"] = "closedwon", ["currency"] = stored }));

        Assert.Equal(expected ?? "", project.Currency);
        Assert.Equal(expected, deal.Currency);
    }

    [Fact]
    public void ToProject_UpdatedAt_WhenTheLocalValuesLastChangedNeverHubSpotsUpdatedAt()
    {
        var record = Record(EntityKind.Project, new() { ["code"] = "PRJ-1" });

        Assert.Null(DeliveryEntityFactory.ToProject(record).UpdatedAt);
        Assert.Equal(At.AddDays(-1), DeliveryEntityFactory.ToProject(record with { LocalChangedAt = At.AddDays(-1) }).UpdatedAt);
    }
}
