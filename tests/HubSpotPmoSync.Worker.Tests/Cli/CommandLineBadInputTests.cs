using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Cli;

/// <summary>Bad arguments exit 2 naming the value, before anything is read or written; help exits 0.</summary>
public sealed class CommandLineBadInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-cli-");

    [Theory]
    [InlineData("health", "--as-of", "yesterday")]
    [InlineData("budget", "report", "--as-of", "2026-13-45")]
    public async Task RunAsync_BadAsOf_Exits2NamingTheValue(params string[] args)
    {
        var (code, _, error) = await InProcess.RunAsync(Overrides(), args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"--as-of '{args[^1]}'", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Theory]
    [InlineData("health", "--format", "xml")]
    [InlineData("export", "--format", "yaml")]
    [InlineData("budget", "report", "--format", "pdf")]
    public async Task RunAsync_BadFormat_Exits2NamingTheValue(params string[] args)
    {
        var (code, _, error) = await InProcess.RunAsync(Overrides(), args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"--format '{args[^1]}'", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Theory]
    [InlineData("export", "--object", "widgets")]
    [InlineData("sync", "--object", "widgets")]
    public async Task RunAsync_BadObject_Exits2NamingTheValue(params string[] args)
    {
        var (code, _, error) = await InProcess.RunAsync(Overrides(), args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--object 'widgets'", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task RunAsync_Help_Exits0ListingTheCommands()
    {
        var (code, output, _) = await InProcess.RunAsync(null, "--help");

        Assert.Equal(ExitCodes.Success, code);
        foreach (var command in new[] { "demo", "run", "sync", "schema", "import", "health", "budget", "dlq", "mappings", "export", "status", "emulator" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RealProcess_NoCommand_PrintsHelpAndExits2_Help_Exits0()
    {
        var none = await WorkerProcess.RunAsync(_dir.FullName, new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        var help = await WorkerProcess.RunAsync(_dir.FullName, new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "--help");

        Assert.Equal(ExitCodes.BadInput, none.Code);
        Assert.Contains("Commands:", none.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, help.Code);
        Assert.Contains("run", help.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private Dictionary<string, string?> Overrides() => new()
    {
        ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
        ["HubSpot:AccessToken"] = "test-token",
        ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "cli.db"),
    };

    private void AssertNothingWritten() => Assert.False(File.Exists(Path.Combine(_dir.FullName, "cli.db")));
}
