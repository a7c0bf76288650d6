using HubSpotPmoSync.Testing.Postgres;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 5, "Convergence": <c>scale:20000</c>, a first sync, then ten rounds of churn with a 2 s index lag, the store
/// equal to HubSpot after each (<see cref="ConvergenceScenario"/>).
/// </summary>
[Collection(ConvergenceCollection.Name)]
public sealed class ConvergenceTests(ITestOutputHelper log)
{
    [Fact]
    public async Task IncrementalSync_TenRoundsOfChurnWithIndexLag_ExportEqualsEmulatorState()
    {
        var outcome = await ConvergenceScenario.RunAsync(log, faults: null, rounds: 10, churnSeed: 5);

        // The race was real: some changes were invisible to the raced sync and came only with the later one.
        Assert.True(outcome.CaughtUpLate > 0, "no sync ever raced the index lag");
    }

    /// <summary>The same scenario with the model in PostgreSQL (issue 18): three rounds, pages copied in by binary COPY.</summary>
    [Fact]
    public async Task IncrementalSync_OnPostgres_ThreeRoundsOfChurnWithIndexLag_ExportEqualsEmulatorState()
    {
        using var schema = new PostgresTestSchema();

        var outcome = await ConvergenceScenario.RunAsync(
            log, faults: null, rounds: 3, churnSeed: 7, storage: new Dictionary<string, string?> { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = schema.ConnectionString });

        Assert.True(outcome.CaughtUpLate > 0, "no sync ever raced the index lag");
    }
}

/// <summary>The collection of <see cref="ConvergenceTests"/>, started before the others.</summary>
[CollectionDefinition(Name)]
[LongScenario]
public sealed class ConvergenceCollection
{
    public const string Name = "Issue 5 convergence";
}
