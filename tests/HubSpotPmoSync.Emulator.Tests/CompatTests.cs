using System.Diagnostics;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>
/// HubSpot's own Node client (@hubspot/api-client 14.0.1, tests/compat) drives the emulator. Needs node and npm on PATH;
/// without them the test fails (it never skips), saying what is missing. <c>npm ci</c> runs once for the class.
/// </summary>
public sealed class CompatTests
{
    private static readonly SemaphoreSlim NpmGate = new(1, 1);
    private static bool _installed;

    [Fact]
    public async Task OfficialNodeClient_CannotTellTheDifference()
    {
        var compat = await InstallAsync();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.Token = "pat-na1-compat"; });
        var run = await RunAsync("node", "compat.js", compat, new()
        {
            ["EMULATOR_URL"] = emu.BaseAddress.ToString().TrimEnd('/'),
            ["EMULATOR_TOKEN"] = "pat-na1-compat",
        });
        Assert.True(run.ExitCode == 0, $"compat.js failed (exit {run.ExitCode}):\n{run.Output}");
        Assert.Contains("compat: 10 steps passed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfficialNodeClientWrites_ReadBackThroughTheDatedFamily()
    {
        var compat = await InstallAsync();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.Token = "pat-na1-compat"; });
        var run = await RunAsync("node", "dated-family.js", compat, new()
        {
            ["EMULATOR_URL"] = emu.BaseAddress.ToString().TrimEnd('/'),
            ["EMULATOR_TOKEN"] = "pat-na1-compat",
        });
        Assert.True(run.ExitCode == 0, $"dated-family.js failed (exit {run.ExitCode}):\n{run.Output}");
        Assert.Contains("dated-family: 6 steps passed", run.Output, StringComparison.Ordinal);
        var requests = emu.Control.Stats().Requests;
        Assert.Contains(requests, r => r.Key.StartsWith("POST /crm/associations/2026-03/{fromType}/{toType}/batch/read 200", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Key.StartsWith("GET /crm/objects/2026-09/{objectType}/{objectId} 200", StringComparison.Ordinal));
    }

    private static async Task<string> InstallAsync()
    {
        var compat = FindCompatFolder();
        await NpmGate.WaitAsync();
        try
        {
            if (!_installed)
            {
                var npmCi = await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", compat, []);
                Assert.True(npmCi.ExitCode == 0, $"npm ci failed in {compat}:\n{npmCi.Output}");
                _installed = true;
            }
        }
        finally
        {
            NpmGate.Release();
        }

        return compat;
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
