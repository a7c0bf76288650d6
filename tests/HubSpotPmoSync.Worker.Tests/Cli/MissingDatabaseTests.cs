using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Cli;

/// <summary>
/// A read command pointed at a database that is not there (a mistyped <c>Storage:DatabasePath</c>, or no sync yet)
/// exits 2 saying so, and creates nothing: no file, no folder, no -wal/-shm, no lock file (issue 17, point 3).
/// </summary>
public sealed class MissingDatabaseTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-nodb-");

    [Theory]
    [InlineData("health")]
    [InlineData("health", "--format", "json")]
    [InlineData("budget", "report")]
    [InlineData("budget", "report", "--format", "html")]
    [InlineData("status")]
    [InlineData("status", "--object", "deals", "--id", "1")]
    [InlineData("export")]
    [InlineData("export", "--format", "csv", "--object", "deals")]
    [InlineData("dlq", "list")]
    [InlineData("dlq", "replay")]
    public async Task ReadCommand_NoDatabaseAtThePath_Exits2AndCreatesNothing(params string[] args)
    {
        foreach (var path in new[] { Path.Combine(_dir.FullName, "typo.db"), Path.Combine(_dir.FullName, "typo", "pmo.db") })
        {
            var (code, output, error) = await InProcess.RunAsync(
                new Dictionary<string, string?>
                {
                    ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
                    ["HubSpot:AccessToken"] = "test-token",
                    ["Storage:DatabasePath"] = path,
                },
                args);

            Assert.True(code == ExitCodes.BadInput, $"{string.Join(' ', args)} exited {code}\n{output}\n{error}");
            Assert.Contains($"no database at {path} — run `sync` first, or check Storage:DatabasePath", error, StringComparison.Ordinal);
            Assert.Empty(output);
            Assert.Empty(_dir.EnumerateFileSystemInfos());
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
