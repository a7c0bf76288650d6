using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Worker.Webhooks;

namespace HubSpotPmoSync.Worker.Tests.Webhooks;

/// <summary>Which projects, deals and companies an event's records can move (and so which are pushed).</summary>
public sealed class WebhookIngestTests
{
    // Company C1 ← deal D1 ← project P1; C1 ← project P2 (direct); ticket T1 → C1; deal D2 ← project P3 (elsewhere: C2).
    private static readonly DeliveryModelSnapshot Model = new([], [], [], [],
    [
        Link(EntityKind.Deal, "D1", EntityKind.Company, "C1"),
        Link(EntityKind.Project, "P1", EntityKind.Deal, "D1"),
        Link(EntityKind.Project, "P2", EntityKind.Company, "C1"),
        Link(EntityKind.Ticket, "T1", EntityKind.Company, "C1"),
        Link(EntityKind.Deal, "D2", EntityKind.Company, "C2"),
        Link(EntityKind.Project, "P3", EntityKind.Deal, "D2"),
    ]);

    [Fact]
    public void Affected_ProjectChanged_ItsDealsAndCompaniesRollUp_OthersUntouched()
    {
        var affected = WebhookIngest.Affected(Model, new HashSet<(EntityKind, string)> { (EntityKind.Project, "P1") });

        Assert.Equal(["Company:C1", "Deal:D1", "Project:P1"], Names(affected));
    }

    [Fact]
    public void Affected_TicketChanged_EveryProjectCountingIt_AndTheirRollups()
    {
        var affected = WebhookIngest.Affected(Model, new HashSet<(EntityKind, string)> { (EntityKind.Ticket, "T1") });

        Assert.Equal(["Company:C1", "Deal:D1", "Project:P1", "Project:P2"], Names(affected));
    }

    [Fact]
    public void Affected_DealChanged_ItsProjectsAndCompanies()
    {
        var affected = WebhookIngest.Affected(Model, new HashSet<(EntityKind, string)> { (EntityKind.Deal, "D2") });

        Assert.Equal(["Company:C2", "Deal:D2", "Project:P3"], Names(affected));
    }

    private static DeliveryLink Link(EntityKind from, string fromId, EntityKind to, string toId) => new(from, fromId, to, toId, []);

    private static List<string> Names(IEnumerable<(EntityKind Kind, string Id)> records) =>
        [.. records.Select(r => $"{r.Kind}:{r.Id}").Order(StringComparer.Ordinal)];
}
