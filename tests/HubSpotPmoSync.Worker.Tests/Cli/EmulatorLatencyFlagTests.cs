using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Cli;

/// <summary><c>emulator --latency SPEC</c>: a bad spec exits 2 naming the flag and the bad token, before anything listens.</summary>
public sealed class EmulatorLatencyFlagTests
{
    [Theory]
    [InlineData("list:250ms,serch:400ms", "'serch'")]
    [InlineData("list:soon", "'soon'")]
    [InlineData("write:300ms,write:1s", "'write'")]
    public async Task BadLatency_Exit2NamingTheFlagAndTheToken(string value, string named)
    {
        var (code, output, error) = await InProcess.RunAsync(null, "emulator", "--port", "0", "--latency", value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--latency", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadLatencySeed_Exit2NamingTheFlag()
    {
        var (code, _, error) = await InProcess.RunAsync(null, "emulator", "--port", "0", "--latency", "200ms", "--latency-seed", "x");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--latency-seed", error, StringComparison.Ordinal);
    }
}
