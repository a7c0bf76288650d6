namespace HubSpotPmoSync.Core.Delivery;

/// <summary>A client of the agency (a HubSpot company).</summary>
public sealed record Company(string Id, string Name, string? Domain = null, bool Archived = false);

/// <summary>A sale (a HubSpot deal).</summary>
/// <param name="Stage">The deal stage id.</param>
/// <param name="IsClosedWon">Whether the stage is closed won (from the pipeline's stage metadata).</param>
/// <param name="AmountChangedAt">When the amount last changed, when known.</param>
public sealed record Deal(
    string Id,
    string Name,
    string Pipeline,
    string Stage,
    decimal? Amount = null,
    string? Currency = null,
    DateTimeOffset? CloseDate = null,
    string? OwnerId = null,
    bool IsClosedWon = false,
    bool Archived = false,
    DateTimeOffset? AmountChangedAt = null);

/// <summary>A support ticket (a HubSpot ticket).</summary>
/// <param name="Priority">HubSpot's <c>hs_ticket_priority</c>: LOW, MEDIUM, HIGH, URGENT.</param>
/// <param name="IsOpen">Whether the ticket's stage is open.</param>
public sealed record Ticket(
    string Id,
    string Subject,
    string? Priority,
    string Pipeline,
    string Stage,
    bool IsOpen,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt = null,
    bool Archived = false);

/// <summary>A delivery project (HubSpot's native Projects object or a custom object).</summary>
/// <param name="Code">The unique project code (<c>project_code</c>), e.g. <c>PRJ-1042</c>.</param>
/// <param name="Status">Delivery status: e.g. planned, active, on_hold, completed, cancelled.</param>
/// <param name="Budget">Budget at completion (BAC) in <paramref name="Currency"/>.</param>
/// <param name="PercentComplete">0–100, as reported on the project (used when it has no milestones).</param>
/// <param name="BudgetSetAt">When the budget was last set, when known.</param>
/// <param name="UpdatedAt">When a person last changed the project's own values in HubSpot, when known (not moved by the worker's health write-back; counts as activity for staleness).</param>
/// <param name="CreatedAt">When the project was created in HubSpot, when known (see <see cref="ExistsOn"/>).</param>
public sealed record Project(
    string Id,
    string Code,
    string Name,
    string Status,
    DateOnly? StartDate,
    DateOnly? DueDate,
    decimal? Budget,
    string Currency,
    decimal PercentComplete = 0m,
    bool Archived = false,
    DateTimeOffset? BudgetSetAt = null,
    DateTimeOffset? UpdatedAt = null,
    DateTimeOffset? CreatedAt = null)
{
    /// <summary>Whether the project is still being delivered (not completed or cancelled, not archived).</summary>
    public bool IsActive => !Archived && Status is not ("completed" or "cancelled" or "closed");

    /// <summary>
    /// Whether the project existed on <paramref name="day"/>: it was created in HubSpot on or before that day, or it
    /// started on or before it (a project entered in HubSpot after its work began existed from its start). Without a
    /// known creation date it counts as existing.
    /// </summary>
    public bool ExistsOn(DateOnly day) =>
        CreatedAt is not { } created || DateOnly.FromDateTime(created.UtcDateTime) <= day || StartDate <= day;
}

/// <summary>A planned milestone of a project.</summary>
/// <param name="Weight">Relative weight of the milestone in the project's earned value.</param>
/// <param name="PercentComplete">0–100.</param>
public sealed record Milestone(
    string ProjectCode,
    string Name,
    DateOnly PlannedDate,
    DateOnly? ActualDate,
    decimal Weight,
    decimal PercentComplete);

/// <summary>Time booked on a project (from a timesheet export).</summary>
/// <param name="CostRate">Internal cost per hour, in the project's currency.</param>
/// <param name="BillRate">Billable rate per hour, in the project's currency.</param>
public sealed record TimeEntry(
    DateOnly Date,
    string ProjectCode,
    string Person,
    decimal Hours,
    decimal CostRate,
    decimal BillRate,
    string? Notes = null)
{
    public decimal Cost => Hours * CostRate;
}

/// <summary>A non-labour cost booked on a project.</summary>
public sealed record CostEntry(DateOnly Date, string ProjectCode, string Description, decimal Amount);

/// <summary>A link between two entities with its association types (labels kept).</summary>
public sealed record DeliveryLink(EntityKind From, string FromId, EntityKind To, string ToId, IReadOnlyList<Crm.AssociationKind> Kinds);
