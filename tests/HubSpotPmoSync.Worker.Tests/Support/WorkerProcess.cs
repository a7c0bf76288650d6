using System.Diagnostics;
using System.Text;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Runs the real <c>hubspot-pmo-sync</c> executable (copied beside the tests) as a child process, with
/// configuration passed the way an operator would: environment variables such as <c>HubSpot__BaseAddress</c>.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "hubspot-pmo-sync");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static WorkerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(workingDirectory, environment, unprivileged: false, args);

    /// <summary>
    /// The same as a user whom file permissions bind: as root (whom a read-only or unreadable file does not stop,
    /// CAP_DAC_OVERRIDE), util-linux's setpriv drops those capabilities for the child.
    /// </summary>
    public static WorkerProcess StartUnprivileged(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(workingDirectory, environment, unprivileged: Environment.UserName == "root", args);

    private static WorkerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, bool unprivileged, string[] args)
    {
        var info = new ProcessStartInfo(unprivileged ? "setpriv" : ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (unprivileged)
        {
            foreach (var a in new[] { "--bounding-set", "-dac_override,-dac_read_search", "--", ExecutablePath })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";

        // run's HTTP host takes a free port unless the test names one: tests (and other checkouts) run side by side.
        info.Environment["Http__Urls"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wp = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (wp._output) { wp._output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (wp._error) { wp._error.AppendLine(e.Data); } } };
        process.Exited += (_, _) => wp._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return wp;
    }

    /// <summary>Runs to completion (or fails the test after <paramref name="timeout"/>) and returns the exit code.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var p = Start(workingDirectory, environment, args);
        var code = await p.WaitAsync(timeout);
        return (code, p.Output, p.Error);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"hubspot-pmo-sync did not finish within {timeout}.\nstdout:\n{Output}\nstderr:\n{Error}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process with SIGKILL: no handler, no flush, no finally block runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
