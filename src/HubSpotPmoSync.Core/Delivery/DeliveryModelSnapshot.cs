namespace HubSpotPmoSync.Core.Delivery;

/// <summary>
/// The CRM-backed part of the delivery model at one moment, as typed entities: what the health engine,
/// the rollups and the reports read. Archived records are included with <c>Archived = true</c>.
/// </summary>
/// <remarks>
/// To find what an entity is linked to, index <see cref="Links"/> once (<c>LinkIndex</c>) rather than scanning them
/// per entity: a scan per lookup grows with entities × links (it once made kickoff planning quadratic).
/// </remarks>
public sealed record DeliveryModelSnapshot(
    IReadOnlyList<Company> Companies,
    IReadOnlyList<Deal> Deals,
    IReadOnlyList<Ticket> Tickets,
    IReadOnlyList<Project> Projects,
    IReadOnlyList<DeliveryLink> Links)
{
    public static DeliveryModelSnapshot Empty { get; } = new([], [], [], [], []);
}
