using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// The convergence scenario of <see cref="ConvergenceTests"/> with <c>HubSpot:ApiVersion=legacy</c> (the v3/v4 paths),
/// so both families are held to the same end state: <c>scale:20000</c>, a first sync, then five rounds of churn with a
/// 2 s index lag, the store equal to HubSpot after each.
/// </summary>
[Collection(LegacyConvergenceCollection.Name)]
public sealed class LegacyConvergenceTests(ITestOutputHelper log)
{
    [Fact]
    public async Task IncrementalSync_OnLegacyPaths_FiveRoundsOfChurnWithIndexLag_ExportEqualsEmulatorState()
    {
        var outcome = await ConvergenceScenario.RunAsync(log, faults: null, rounds: 5, churnSeed: 11, apiVersion: "legacy");

        Assert.True(outcome.CaughtUpLate > 0, "no sync ever raced the index lag");
    }
}

/// <summary>The collection of <see cref="LegacyConvergenceTests"/>, started before the others.</summary>
[CollectionDefinition(Name)]
[LongScenario]
public sealed class LegacyConvergenceCollection
{
    public const string Name = "Convergence on the legacy API family";
}
