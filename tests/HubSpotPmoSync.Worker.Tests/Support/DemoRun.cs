using System.Diagnostics;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// One in-process <c>demo --out TEMP</c> shared by the test classes that check what it prints and writes (the demo
/// takes seconds; running it once keeps the suite inside its budget).
/// </summary>
internal sealed record DemoRun(int Code, string Output, string Error, string Folder, TimeSpan Elapsed)
{
    private static readonly Lazy<Task<DemoRun>> Shared = new(RunAsync);

    public static Task<DemoRun> InProcessAsync() => Shared.Value;

    private static async Task<DemoRun> RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("pmo-demo-").FullName;

        // Shared by several test classes, so no single test owns it: removed when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the folder is under the temp directory.
            }
        };
        var watch = Stopwatch.StartNew();
        var (code, output, error) = await InProcess.RunAsync(null, "demo", "--out", folder);
        return new DemoRun(code, output, error, folder, watch.Elapsed);
    }
}
