using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>The delivery data that does not come from HubSpot: imported time, costs and milestones.</summary>
public sealed record DeliveryData(IReadOnlyList<TimeEntry> TimeEntries, IReadOnlyList<CostEntry> CostEntries, IReadOnlyList<Milestone> Milestones)
{
    public static DeliveryData Empty { get; } = new([], [], []);
}
