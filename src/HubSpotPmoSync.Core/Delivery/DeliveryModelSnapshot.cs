namespace HubSpotPmoSync.Core.Delivery;

/// <summary>
/// The CRM-backed part of the delivery model at one moment, as typed entities: what the health engine,
/// the rollups and the reports read. Archived records are included with <c>Archived = true</c>.
/// </summary>
public sealed record DeliveryModelSnapshot(
    IReadOnlyList<Company> Companies,
    IReadOnlyList<Deal> Deals,
    IReadOnlyList<Ticket> Tickets,
    IReadOnlyList<Project> Projects,
    IReadOnlyList<DeliveryLink> Links)
{
    public static DeliveryModelSnapshot Empty { get; } = new([], [], [], [], []);

    /// <summary>Ids of <paramref name="to"/> entities linked from the entity (either link direction counts).</summary>
    public IEnumerable<string> Linked(EntityKind from, string fromId, EntityKind to) =>
        Links.Where(l => l.From == from && l.FromId == fromId && l.To == to).Select(l => l.ToId)
            .Concat(Links.Where(l => l.To == from && l.ToId == fromId && l.From == to).Select(l => l.FromId))
            .Distinct(StringComparer.Ordinal);
}
