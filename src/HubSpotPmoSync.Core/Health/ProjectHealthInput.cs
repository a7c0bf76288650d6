using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>Everything the calculator reads about one project.</summary>
/// <param name="Tickets">Tickets linked to the project or to its company (each once).</param>
public sealed record ProjectHealthInput(
    Project Project,
    IReadOnlyList<Milestone> Milestones,
    IReadOnlyList<TimeEntry> TimeEntries,
    IReadOnlyList<CostEntry> CostEntries,
    IReadOnlyList<Ticket> Tickets);
