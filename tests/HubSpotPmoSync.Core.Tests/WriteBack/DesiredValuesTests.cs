using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class DesiredValuesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    public static TheoryData<string, PropertyState?, DateTimeOffset> Cases => new()
    {
        { "nothing known: new", null, Now },
        { "same desired value: its since", PropertyState.Unknown with { HasDesired = true, DesiredValue = "amber", DesiredSince = T0 }, T0 },
        { "desired value changed: now", PropertyState.Unknown with { HasDesired = true, DesiredValue = "green", DesiredSince = T0 }, Now },
        { "changed even if pushed earlier", PropertyState.Unknown with { HasDesired = true, DesiredValue = "green", DesiredSince = T0, HasPushed = true, PushedValue = "amber", PushedAt = T0 }, Now },
        { "no desired row, pushed the same: push time", PropertyState.Unknown with { HasPushed = true, PushedValue = "amber", PushedAt = T0.AddHours(2) }, T0.AddHours(2) },
        { "no desired row, pushed another: now", PropertyState.Unknown with { HasPushed = true, PushedValue = "green", PushedAt = T0 }, Now },
        { "no desired row, HubSpot holds it: its change time", PropertyState.Unknown with { HasObserved = true, ObservedValue = "amber", ObservedChangedAt = T0.AddHours(3) }, T0.AddHours(3) },
        { "HubSpot's clock ahead: never later than now", PropertyState.Unknown with { HasObserved = true, ObservedValue = "amber", ObservedChangedAt = Now.AddHours(1) }, Now },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Since_StateOfTheProperty_DatesTheLocalValueByItsLastChange(string because, PropertyState? state, DateTimeOffset expected)
    {
        Assert.True(expected == DesiredValues.Since("amber", state, Now), because);
    }

    [Fact]
    public void Since_NumbersSpelledDifferently_CountAsTheSameValue()
    {
        var state = PropertyState.Unknown with { HasDesired = true, DesiredValue = "12000.00", DesiredSince = T0 };

        Assert.Equal(T0, DesiredValues.Since("12000", state, Now));
    }

    [Fact]
    public void Stamp_Changes_SetsChangedAtPerPropertyAndKeepsTheRest()
    {
        var unchanged = new OutboundChange(CrmObjectTypes.Projects, "1", "health_status", "amber", "health:health_status", ConflictPolicy.NewestWins, Now);
        var changed = unchanged with { Property = "health_score", Value = "61.0", Source = "health:health_score" };
        var states = new Dictionary<PropertyKey, PropertyState>
        {
            [unchanged.Key] = PropertyState.Unknown with { HasDesired = true, DesiredValue = "amber", DesiredSince = T0 },
            [changed.Key] = PropertyState.Unknown with { HasDesired = true, DesiredValue = "70.0", DesiredSince = T0 },
        };

        var stamped = DesiredValues.Stamp([unchanged, changed], states, Now);

        Assert.Equal([unchanged with { ChangedAt = T0 }, changed with { ChangedAt = Now }], stamped);
    }
}
