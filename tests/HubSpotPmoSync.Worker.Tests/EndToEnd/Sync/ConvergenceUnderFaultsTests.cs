using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Sync;

/// <summary>
/// Issue 5, "the same under faults": <see cref="ConvergenceScenario"/> with <c>429:0.1,503:0.05,reset:0.02,truncate:0.01</c>
/// on every call of the sync (the first full sync included; the test's own API traffic goes without faults), in
/// fewer rounds than the fault-free run to stay within the suite's time budget. The emulator sends no
/// <c>Retry-After</c> here and the client's back-off starts at 50 ms, so a retry costs milliseconds, not a second.
/// </summary>
public sealed class ConvergenceUnderFaultsTests(ITestOutputHelper log)
{
    public const string Faults = "429:0.1,503:0.05,reset:0.02,truncate:0.01";

    [Fact]
    public async Task IncrementalSync_ChurnUnderInjectedFaults_ExportEqualsEmulatorState()
    {
        await ConvergenceScenario.RunAsync(log, Faults, rounds: 3, churnSeed: 7);
    }
}
