using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>A valid time entry on PRJ-0001: 2 March 2026, 8 hours at cost 50 and bill 120.</summary>
public sealed class HealthTimeEntryBuilder
{
    private DateOnly _date = new(2026, 3, 2);
    private string _code = "PRJ-0001";
    private string _person = "Ana Souza";
    private decimal _hours = 8m;
    private decimal _costRate = 50m;
    private decimal _billRate = 120m;
    private string? _notes;

    public HealthTimeEntryBuilder On(DateOnly date)
    {
        _date = date;
        return this;
    }

    public HealthTimeEntryBuilder ForProject(string code)
    {
        _code = code;
        return this;
    }

    public HealthTimeEntryBuilder By(string person)
    {
        _person = person;
        return this;
    }

    public HealthTimeEntryBuilder WithHours(decimal hours)
    {
        _hours = hours;
        return this;
    }

    public HealthTimeEntryBuilder WithCostRate(decimal rate)
    {
        _costRate = rate;
        return this;
    }

    public HealthTimeEntryBuilder WithBillRate(decimal rate)
    {
        _billRate = rate;
        return this;
    }

    public HealthTimeEntryBuilder WithNotes(string? notes)
    {
        _notes = notes;
        return this;
    }

    /// <summary>An entry costing exactly <paramref name="amount"/> (1 hour at that cost rate).</summary>
    public HealthTimeEntryBuilder Costing(decimal amount)
    {
        _hours = 1m;
        _costRate = amount;
        return this;
    }

    public TimeEntry Build() => new(_date, _code, _person, _hours, _costRate, _billRate, _notes);
}
