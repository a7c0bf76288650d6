using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class EchoSuppressionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ForeignChanges_PulledValuesAreOwnPushesOrUnchanged_ReturnsNothing()
    {
        var states = new Dictionary<PropertyKey, PropertyState>
        {
            [new("deals", "1", "amount")] = PropertyState.Unknown with { HasObserved = true, ObservedValue = "100", ObservedChangedAt = T0, HasPushed = true, PushedValue = "200", PushedAt = T0 },
            [new("deals", "1", "dealname")] = PropertyState.Unknown with { HasObserved = true, ObservedValue = "Web", ObservedChangedAt = T0 },
        };
        var pulled = new ObservedRecord("deals", "1", new Dictionary<string, string?> { ["amount"] = "200.0", ["dealname"] = "Web" }, T0.AddMinutes(1));

        Assert.Empty(EchoSuppression.ForeignChanges(pulled, states));
    }

    [Fact]
    public void ForeignChanges_SomeoneElseChangedAValue_ReturnsThatProperty()
    {
        var states = new Dictionary<PropertyKey, PropertyState>
        {
            [new("deals", "1", "amount")] = PropertyState.Unknown with { HasObserved = true, ObservedValue = "200", ObservedChangedAt = T0, HasPushed = true, PushedValue = "200", PushedAt = T0 },
        };
        var pulled = new ObservedRecord("deals", "1", new Dictionary<string, string?> { ["amount"] = "250", ["closedate"] = "2026-04-01T00:00:00.000Z" }, T0.AddMinutes(1));

        Assert.Equal(["amount", "closedate"], EchoSuppression.ForeignChanges(pulled, states));
    }

    [Fact]
    public void IsEcho_ValueEqualsLastPush_True()
    {
        Assert.True(EchoSuppression.IsEcho("red", PropertyState.Unknown with { HasPushed = true, PushedValue = "red", PushedAt = T0 }));
        Assert.False(EchoSuppression.IsEcho("red", PropertyState.Unknown));
    }
}
