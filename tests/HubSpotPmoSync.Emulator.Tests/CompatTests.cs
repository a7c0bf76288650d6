using System.Diagnostics;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>
/// HubSpot's own Node client (@hubspot/api-client 14.0.1, tests/compat) drives the emulator. Needs node and npm on PATH;
/// without them the test fails (it never skips), saying what is missing.
/// </summary>
public sealed class CompatTests
{
    [Fact]
    public async Task OfficialNodeClient_CannotTellTheDifference()
    {
        var compat = FindCompatFolder();
        var npmCi = await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", compat, []);
        Assert.True(npmCi.ExitCode == 0, $"npm ci failed in {compat}:\n{npmCi.Output}");

        await using var emu = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.Token = "pat-na1-compat"; });
        var run = await RunAsync("node", "compat.js", compat, new()
        {
            ["EMULATOR_URL"] = emu.BaseAddress.ToString().TrimEnd('/'),
            ["EMULATOR_TOKEN"] = "pat-na1-compat",
        });
        Assert.True(run.ExitCode == 0, $"compat.js failed (exit {run.ExitCode}):\n{run.Output}");
        Assert.Contains("compat: 10 steps passed", run.Output, StringComparison.Ordinal);
    }

    private static string FindCompatFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "compat");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/compat with a package-lock.json not found above {AppContext.BaseDirectory}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string args, string cwd, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' is required for the compat test (Node.js 20+ with npm on PATH) but could not be started: {e.Message}", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await stdout) + (await stderr));
        }
    }
}
