using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// A scratch folder with a database path for one end-to-end scenario, and the environment that points the real
/// <c>hubspot-pmo-sync</c> at an emulator. Each run is a new child process, as an operator would start it.
/// </summary>
internal sealed class SyncWorkspace : IDisposable
{
    private readonly Dictionary<string, string> _environment;

    public SyncWorkspace(EmulatorFixture emulator, IReadOnlyDictionary<string, string>? settings = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "hps-e2e-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "sync.db");
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot__AccessToken"] = emulator.Options.Token,
            ["HubSpot__Tier"] = "unlimited",
            ["Storage__DatabasePath"] = DatabasePath,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public IReadOnlyDictionary<string, string> Environment => _environment;

    public void Set(string key, string value) => _environment[key] = value;

    public WorkerProcess Start(params string[] args) => WorkerProcess.Start(Directory, _environment, args);

    public Task<(int Code, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args) =>
        WorkerProcess.RunAsync(Directory, _environment, timeout, args);

    /// <summary>Runs <c>sync</c> with the arguments and fails unless it exits 0.</summary>
    public async Task<string> SyncAsync(TimeSpan timeout, params string[] args)
    {
        var (code, output, error) = await RunAsync(timeout, ["sync", "--no-push", .. args]);
        if (code != 0)
        {
            throw new InvalidOperationException($"sync {string.Join(' ', args)} exited {code}\nstdout:\n{output}\nstderr:\n{error}");
        }

        return output;
    }

    /// <summary>Runs <c>export</c> (JSON) and returns what it printed.</summary>
    public async Task<string> ExportAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync(TimeSpan.FromMinutes(2), ["export", .. args]);
        if (code != 0)
        {
            throw new InvalidOperationException($"export exited {code}\nstderr:\n{error}");
        }

        return output;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
