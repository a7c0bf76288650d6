using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.Regressions;

/// <summary>
/// Issue 17, point 5: errors a new user meets name the spot — the file or folder, the setting, the port, the
/// argument — in one line, with the exit code of the README (2: the user's input or configuration).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NamedErrorsTests_17 : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-17-errors-");

    [Fact]
    public async Task Sync_ReadOnlyDatabaseFile_Exits2NamingTheFileTheSettingAndWhatToDo()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator);
        await workspace.SyncAsync(TimeSpan.FromMinutes(2));
        SqliteConnection.ClearAllPools();
        var before = File.ReadAllBytes(workspace.DatabasePath);
        File.SetUnixFileMode(workspace.DatabasePath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            var (code, output, error) = await Unprivileged.RunAsync(workspace.Directory, workspace.Environment, "sync", "--no-push");

            Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
            var line = Assert.Single(ErrorLines(error));
            Assert.Contains($"'{workspace.DatabasePath}'", line, StringComparison.Ordinal);
            Assert.Contains("Storage:DatabasePath", line, StringComparison.Ordinal);
            Assert.Contains("read-only", line, StringComparison.Ordinal);
            Assert.DoesNotContain("SQLite Error", error, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(workspace.DatabasePath));
        }
        finally
        {
            File.SetUnixFileMode(workspace.DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sync_ReadOnlyFolder_Exits2NamingTheSettingAndTheFolder(bool databaseExists)
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator);
        var folder = Path.Combine(workspace.Directory, "locked");
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "sync.db");
        workspace.Set("Storage__DatabasePath", database);
        if (databaseExists)
        {
            await workspace.SyncAsync(TimeSpan.FromMinutes(2));
            SqliteConnection.ClearAllPools();
        }

        var before = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            var (code, output, error) = await Unprivileged.RunAsync(workspace.Directory, workspace.Environment, "sync", "--no-push");

            Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
            var line = Assert.Single(ErrorLines(error));
            Assert.Contains("Storage:DatabasePath", line, StringComparison.Ordinal);
            Assert.Contains($"'{folder}'", line, StringComparison.Ordinal);
            Assert.Contains("not writable", line, StringComparison.Ordinal);
            Assert.DoesNotContain("SQLite Error", error, StringComparison.Ordinal);
            Assert.Equal(before, Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList());
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Emulator_PortInUse_Exits2WithOneLineNamingThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, output, error) = await WorkerProcess.RunAsync(_dir.FullName, new Dictionary<string, string>(), TimeSpan.FromMinutes(1), "emulator", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Equal($"error: port {port} on 127.0.0.1 is in use — choose another with --port", error.TrimEnd('\n'));
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Sync_ConnectionRefused_SaysSoNamingHostPortAndTheSetting()
    {
        var port = ClosedPort();
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = $"http://127.0.0.1:{port}/",
            ["HubSpot:AccessToken"] = "test-token",
            ["HubSpot:MaxRetryAttempts"] = "0",
            ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "refused.db"),
        };

        var (code, _, error) = await InProcess.RunAsync(overrides, "sync");

        Assert.Equal(ExitCodes.RuntimeFailure, code);
        Assert.Contains($"connection refused by 127.0.0.1:{port} (is HubSpot:BaseAddress right?)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("reset", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dlq replay: 'abc' is not a dead-letter id (a number from `dlq list`)", "dlq", "replay", "abc")]
    [InlineData("dlq replay: '0' is not a dead-letter id (a number from `dlq list`)", "dlq", "replay", "0")]
    [InlineData("status --runs: 'many' is not a whole number of 0 or more", "status", "--runs", "many")]
    [InlineData("status --runs: '-3' is not a whole number of 0 or more", "status", "--runs", "-3")]
    [InlineData("status --audit: '1.5' is not a whole number of 0 or more", "status", "--id", "1", "--audit", "1.5")]
    [InlineData("emulator --fault-seed: 'x' is not a whole number", "emulator", "--fault-seed", "x")]
    public async Task RunAsync_BadNumberArgument_Exits2NamingTheArgumentInPlainWords(string expected, params string[] args)
    {
        var (code, output, error) = await InProcess.RunAsync(Overrides(), args);

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Contains($"error: {expected}\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "cli.db")));
    }

    [Fact]
    public async Task Demo_OutOntoAnExistingFile_Exits2NamingThePathAndWhy()
    {
        var file = Path.Combine(_dir.FullName, "report.txt");
        File.WriteAllText(file, "kept");

        var (code, output, error) = await InProcess.RunAsync(null, "demo", "--out", file);

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Contains($"demo --out '{file}' is a file", error, StringComparison.Ordinal);
        Assert.Contains("folder", error, StringComparison.Ordinal);
        Assert.Equal("kept", File.ReadAllText(file));
        Assert.Equal(string.Empty, output);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static List<string> ErrorLines(string error) =>
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith(' ')).ToList();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Dictionary<string, string?> Overrides() => new()
    {
        ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
        ["HubSpot:AccessToken"] = "test-token",
        ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "cli.db"),
    };

    /// <summary>
    /// Runs the real executable as a user whom file permissions bind. The tests may run as root, whom a read-only
    /// file does not stop (CAP_DAC_OVERRIDE): util-linux's setpriv then drops that capability for the child.
    /// </summary>
    private static class Unprivileged
    {
        public static async Task<(int Code, string Output, string Error)> RunAsync(
            string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var root = Environment.UserName == "root";
            var info = new ProcessStartInfo(root ? "setpriv" : WorkerProcess.ExecutablePath)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (root)
            {
                foreach (var a in new[] { "--bounding-set", "-dac_override,-dac_read_search", "--", WorkerProcess.ExecutablePath })
                {
                    info.ArgumentList.Add(a);
                }
            }

            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["DOTNET_ENVIRONMENT"] = "Production";
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await error);
        }
    }
}
