using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>Issue 5, "Convergence": see <see cref="ConvergenceScenario"/>.</summary>
public sealed class ConvergenceTests(ITestOutputHelper log)
{
    [Fact]
    public async Task IncrementalSync_TenRoundsOfChurnWithIndexLag_ExportEqualsEmulatorState()
    {
        await ConvergenceScenario.RunAsync(log, faults: null, rounds: 10, churnSeed: 5);
    }
}
