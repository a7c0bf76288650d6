using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class PushDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decide_NothingKnown_Pushes()
    {
        var decision = PushDecider.Decide(Change("red"), null);

        Assert.Equal((PushAction.Push, false, null), (decision.Action, decision.IsConflict, decision.Current));
    }

    [Theory]
    [InlineData("purple", ConflictPolicy.LocalWins, "green", PushAction.HoldRejected)]
    [InlineData("purple", ConflictPolicy.NewestWins, null, PushAction.HoldRejected)]
    [InlineData("violet", ConflictPolicy.LocalWins, "green", PushAction.Push)]
    [InlineData("green", ConflictPolicy.LocalWins, "green", PushAction.None)]
    [InlineData("purple", ConflictPolicy.HubSpotWins, "green", PushAction.KeepHubSpot)]
    public void Decide_HubSpotRejectedAValueBefore_HoldsOnlyAPushOfThatSameValue(string value, ConflictPolicy policy, string? observed, PushAction expected)
    {
        var state = Observed(observed, T0) with { HasRejected = true, RejectedValue = "purple" };

        var decision = PushDecider.Decide(Change(value, policy) with { ChangedAt = T0.AddHours(1) }, state);

        Assert.Equal(expected, decision.Action);
        Assert.Null(expected == PushAction.HoldRejected ? decision.AuditDecision : null);
    }

    [Fact]
    public void Decide_ObservedValueEqual_DoesNothing()
    {
        var decision = PushDecider.Decide(Change("12000.00"), Observed("12000", T0));

        Assert.Equal(PushAction.None, decision.Action);
        Assert.Null(decision.AuditDecision);
    }

    [Fact]
    public void Decide_LastPushEqualAndNothingObservedSince_DoesNothing()
    {
        var decision = PushDecider.Decide(Change("red"), Pushed("red", T0));

        Assert.Equal(PushAction.None, decision.Action);
    }

    [Fact]
    public void Decide_ObservationOlderThanThePush_UsesThePushedValue()
    {
        var state = Observed("green", T0) with { HasPushed = true, PushedValue = "red", PushedAt = T0.AddMinutes(5) };

        var decision = PushDecider.Decide(Change("red", ConflictPolicy.HubSpotWins), state);

        Assert.Equal(PushAction.None, decision.Action);
    }

    [Fact]
    public void Decide_PersonChangedTheValueAfterThePush_IsAConflict()
    {
        var state = Observed("green", T0.AddMinutes(10)) with { HasPushed = true, PushedValue = "red", PushedAt = T0 };

        var decision = PushDecider.Decide(Change("amber", ConflictPolicy.HubSpotWins), state);

        Assert.Equal((PushAction.KeepHubSpot, true, "green"), (decision.Action, decision.IsConflict, decision.Current));
        Assert.Equal(AuditDecisions.KeptHubSpot, decision.AuditDecision);
    }

    [Fact]
    public void Decide_EmptyValueNobodyWrote_PushesWithoutConflict()
    {
        var decision = PushDecider.Decide(Change("red", ConflictPolicy.HubSpotWins), Observed(null, T0));

        Assert.Equal((PushAction.Push, false), (decision.Action, decision.IsConflict));
    }

    [Theory]
    [InlineData(ConflictPolicy.LocalWins, 0, PushAction.Push)]
    [InlineData(ConflictPolicy.HubSpotWins, 60, PushAction.KeepHubSpot)]
    [InlineData(ConflictPolicy.NewestWins, 1, PushAction.Push)]
    [InlineData(ConflictPolicy.NewestWins, 0, PushAction.KeepHubSpot)]
    [InlineData(ConflictPolicy.NewestWins, -1, PushAction.KeepHubSpot)]
    public void Decide_ForeignValue_FollowsThePolicy(ConflictPolicy policy, int localMinutesAfterHubSpot, PushAction expected)
    {
        var decision = PushDecider.Decide(Change("1200", policy, T0.AddMinutes(localMinutesAfterHubSpot)), Observed("1500", T0));

        Assert.Equal((expected, true), (decision.Action, decision.IsConflict));
        Assert.StartsWith(policy.Name(), decision.Reason, StringComparison.Ordinal);
    }

    private static OutboundChange Change(string? value, ConflictPolicy policy = ConflictPolicy.LocalWins, DateTimeOffset? at = null) =>
        new("deals", "1", "amount", value, "test", policy, at ?? T0);

    private static PropertyState Observed(string? value, DateTimeOffset at) => PropertyState.Unknown with { HasObserved = true, ObservedValue = value, ObservedChangedAt = at };

    private static PropertyState Pushed(string? value, DateTimeOffset at) => PropertyState.Unknown with { HasPushed = true, PushedValue = value, PushedAt = at };
}
