using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 5, "the same under faults": the whole <see cref="ConvergenceScenario"/> — the first sync of
/// <c>scale:20000</c> and ten rounds — with <c>429:0.1,503:0.05,reset:0.02,truncate:0.01</c> on every call of every
/// sync (the test's own creates, archives and link changes go without faults).
/// </summary>
[Collection(ConvergenceUnderFaultsCollection.Name)]
public sealed class ConvergenceUnderFaultsTests(ITestOutputHelper log)
{
    public const string Faults = "429:0.1,503:0.05,reset:0.02,truncate:0.01";

    [Fact]
    public async Task FirstSyncAndTenRoundsUnderInjectedFaults_ExportEqualsEmulatorState()
    {
        var outcome = await ConvergenceScenario.RunAsync(log, Faults, rounds: 10, churnSeed: 7);

        Assert.True(outcome.FirstSyncFaults > 0, "no fault was injected into the first sync");
        Assert.True(outcome.RoundFaults > 0, "no fault was injected into the rounds' syncs");
    }
}

/// <summary>The collection of <see cref="ConvergenceUnderFaultsTests"/>, started before the others.</summary>
[CollectionDefinition(Name)]
[LongScenario]
public sealed class ConvergenceUnderFaultsCollection
{
    public const string Name = "Issue 5 convergence under faults";
}
