using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>A valid milestone of PRJ-0001: weight 1, planned 31 March 2026, not started.</summary>
public sealed class HealthMilestoneBuilder
{
    private string _code = "PRJ-0001";
    private string _name = "Design sign-off";
    private DateOnly _planned = new(2026, 3, 31);
    private DateOnly? _actual;
    private decimal _weight = 1m;
    private decimal _percent;

    public HealthMilestoneBuilder ForProject(string code)
    {
        _code = code;
        return this;
    }

    public HealthMilestoneBuilder WithName(string name)
    {
        _name = name;
        return this;
    }

    public HealthMilestoneBuilder PlannedOn(DateOnly date)
    {
        _planned = date;
        return this;
    }

    public HealthMilestoneBuilder ReachedOn(DateOnly? date)
    {
        _actual = date;
        if (date is not null)
        {
            _percent = 100m;
        }

        return this;
    }

    public HealthMilestoneBuilder WithWeight(decimal weight)
    {
        _weight = weight;
        return this;
    }

    public HealthMilestoneBuilder WithPercentComplete(decimal percent)
    {
        _percent = percent;
        return this;
    }

    public Milestone Build() => new(_code, _name, _planned, _actual, _weight, _percent);
}
