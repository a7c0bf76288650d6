using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>A valid open HIGH ticket created 1 March 2026.</summary>
public sealed class HealthTicketBuilder
{
    private string _id = "t-1";
    private string _priority = "HIGH";
    private bool _open = true;
    private DateTimeOffset _created = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private DateTimeOffset? _closed;
    private bool _archived;

    public HealthTicketBuilder WithId(string id)
    {
        _id = id;
        return this;
    }

    public HealthTicketBuilder WithPriority(string priority)
    {
        _priority = priority;
        return this;
    }

    public HealthTicketBuilder CreatedAt(DateTimeOffset at)
    {
        _created = at;
        return this;
    }

    public HealthTicketBuilder ClosedAt(DateTimeOffset at)
    {
        _open = false;
        _closed = at;
        return this;
    }

    public HealthTicketBuilder Archived()
    {
        _archived = true;
        return this;
    }

    public Ticket Build() => new(_id, "Checkout broken", _priority, "0", _open ? "1" : "4", _open, _created, _closed, _archived);
}
