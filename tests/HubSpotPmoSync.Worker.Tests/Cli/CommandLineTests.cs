using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task RunAsync_NoCommand_PrintsHelpAndExits2()
    {
        var (code, _, error) = await RunAsync();

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("a command is required", error, StringComparison.Ordinal);
        Assert.Contains("Commands:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_Exits2NamingIt()
    {
        var (code, _, error) = await RunAsync("frobnicate");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }

    internal static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, new CommandEnvironment(output, error, ConfigurationOverrides: null));
        return (code, output.ToString(), error.ToString());
    }
}
