using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>A valid active project: PRJ-0001, 10,000.00 EUR, 1 March to 30 April 2026 (defaults), nothing done yet.</summary>
public sealed class HealthProjectBuilder
{
    private string _id = "p-1";
    private string _code = "PRJ-0001";
    private string _name = "Website relaunch";
    private string _status = "active";
    private DateOnly? _start = new(2026, 3, 1);
    private DateOnly? _due = new(2026, 4, 30);
    private decimal? _budget = 10_000m;
    private string _currency = "EUR";
    private decimal _percent;
    private bool _archived;
    private DateTimeOffset? _budgetSetAt = new(2026, 2, 20, 9, 0, 0, TimeSpan.Zero);
    private DateTimeOffset? _updatedAt;
    private DateTimeOffset? _createdAt;

    public HealthProjectBuilder WithId(string id)
    {
        _id = id;
        return this;
    }

    public HealthProjectBuilder WithCode(string code)
    {
        _code = code;
        return this;
    }

    public HealthProjectBuilder WithName(string name)
    {
        _name = name;
        return this;
    }

    public HealthProjectBuilder WithStatus(string status)
    {
        _status = status;
        return this;
    }

    public HealthProjectBuilder WithDates(DateOnly? start, DateOnly? due)
    {
        _start = start;
        _due = due;
        return this;
    }

    public HealthProjectBuilder WithBudget(decimal? budget, string currency = "EUR")
    {
        _budget = budget;
        _currency = currency;
        return this;
    }

    public HealthProjectBuilder WithCurrency(string currency)
    {
        _currency = currency;
        return this;
    }

    public HealthProjectBuilder WithPercentComplete(decimal percent)
    {
        _percent = percent;
        return this;
    }

    public HealthProjectBuilder Archived()
    {
        _archived = true;
        return this;
    }

    public HealthProjectBuilder WithBudgetSetAt(DateTimeOffset? at)
    {
        _budgetSetAt = at;
        return this;
    }

    public HealthProjectBuilder WithUpdatedAt(DateTimeOffset? at)
    {
        _updatedAt = at;
        return this;
    }

    public HealthProjectBuilder WithCreatedAt(DateTimeOffset? at)
    {
        _createdAt = at;
        return this;
    }

    public Project Build() => new(_id, _code, _name, _status, _start, _due, _budget, _currency, _percent, _archived, _budgetSetAt, _updatedAt, _createdAt);
}
