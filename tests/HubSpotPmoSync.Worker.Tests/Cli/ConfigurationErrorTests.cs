using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Cli;

/// <summary>
/// Configuration errors keep the README's promise (issue 17, point 4): exit 2 and the spot named — the file with line
/// and column for broken JSON, the key with the bad value and what it accepts for a type error — a misspelled key is
/// a warning naming the closest known key, and read-only commands do not need settings they do not use.
/// </summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-config-");

    private string DatabasePath => Path.Combine(_dir.FullName, "pmo.db");

    [Fact]
    public async Task BrokenAppSettingsJson_Exits2NamingTheFileLineAndColumn()
    {
        var file = Path.Combine(_dir.FullName, "appsettings.json");
        File.WriteAllText(file, "{\n  \"Storage\": {\n    \"DatabasePath\": \"pmo.db\"\n    \"BusyTimeout\": \"00:00:10\"\n  }\n}\n");

        var (code, output, error) = await WorkerProcess.RunAsync(_dir.FullName, new Dictionary<string, string>(), TimeSpan.FromMinutes(2), "health");

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{output}\n{error}");
        Assert.Contains($"{file}:4:5: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task TypeErrorInAppSettingsJson_Exits2NamingTheKeyTheValueAndTheRange()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "appsettings.json"), "{\n  \"HubSpot\": {\n    \"DailyQuotaShare\": \"half\"\n  }\n}\n");
        var environment = new Dictionary<string, string>
        {
            ["HubSpot__AccessToken"] = "test-token",
            ["Storage__DatabasePath"] = DatabasePath,
        };

        var (code, output, error) = await WorkerProcess.RunAsync(_dir.FullName, environment, TimeSpan.FromMinutes(2), "sync", "--dry-run");

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{output}\n{error}");
        Assert.Contains("HubSpot:DailyQuotaShare: 'half' is not a number from 0 to 1", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Theory]
    [InlineData("Schedule:IncrementalEvery", "abc", "a duration as hh:mm:ss")]
    [InlineData("HubSpot:Tier", "gold", "one of free|pro|enterprise|addon|unlimited")]
    [InlineData("HubSpot:DailyQuotaShare", "half", "a number from 0 to 1")]
    [InlineData("HubSpot:MaxConcurrency", "many", "a whole number from 1 to 256")]
    [InlineData("Sync:SweepArchivedEveryRun", "yes please", "true or false")]
    [InlineData("Sync:CompletenessBudget", "lots", "a whole number")]
    [InlineData("Sync:CompletenessWindow", "an hour", "a duration as hh:mm:ss")]
    public async Task TypeError_Exits2NamingTheKeyTheValueAndWhatItAccepts(string key, string value, string accepted)
    {
        var (code, output, error) = await InProcess.RunAsync(Overrides((key, value)), "sync", "--dry-run");

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{output}\n{error}");
        Assert.Contains($"{key}: '{value}' is not {accepted}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to convert", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task SeveralTypeErrors_AreAllListed()
    {
        var (code, _, error) = await InProcess.RunAsync(
            Overrides(("Schedule:IncrementalEvery", "abc"), ("HubSpot:Tier", "gold"), ("HubSpot:DailyQuotaShare", "half")), "sync");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Schedule:IncrementalEvery: 'abc'", error, StringComparison.Ordinal);
        Assert.Contains("HubSpot:Tier: 'gold'", error, StringComparison.Ordinal);
        Assert.Contains("HubSpot:DailyQuotaShare: 'half'", error, StringComparison.Ordinal);
    }

    /// <summary>Issue 16: the completeness check replaced the archived sweep on every run; the old key still binds, with a warning.</summary>
    [Fact]
    public async Task SweepArchivedEveryRun_IsRetired_WarnsNamingWhatReplacedIt()
    {
        CreateEmptyDatabase();

        var (code, output, error) = await InProcess.RunAsync(Overrides(("Sync:SweepArchivedEveryRun", "true")), "health");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("warning: Sync:SweepArchivedEveryRun ('true') is retired", error, StringComparison.Ordinal);
        Assert.Contains("Sync:CompletenessBudget, Sync:CompletenessWindow", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletenessOptionsOutOfRange_Exit2NamingBothKeys()
    {
        var (code, output, error) = await InProcess.RunAsync(Overrides(("Sync:CompletenessBudget", "-1"), ("Sync:CompletenessWindow", "00:00:05")), "sync", "--dry-run");

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{output}\n{error}");
        Assert.Contains("Sync:CompletenessBudget must not be negative", error, StringComparison.Ordinal);
        Assert.Contains("Sync:CompletenessWindow must be at least 00:01:00", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task MisspelledKeys_WarnNamingTheClosestKnownKey()
    {
        CreateEmptyDatabase();

        var (code, output, error) = await InProcess.RunAsync(
            Overrides(("Schedule:IncrementalEvry", "00:10:00"), ("HubSpt:AccessToken", "x"), ("Logging:LogLevel:Default", "Warning")),
            "health");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("warning: Schedule:IncrementalEvry is not a known setting (ignored); did you mean Schedule:IncrementalEvery?", error, StringComparison.Ordinal);
        Assert.Contains("warning: HubSpt:AccessToken is not a known setting (ignored); did you mean HubSpot:AccessToken?", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Logging", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("budget", "report")]
    [InlineData("status")]
    [InlineData("export")]
    [InlineData("dlq", "list")]
    [InlineData("mappings", "validate", "--offline")]
    public async Task ReadOnlyCommand_NeedsNoTokenAndSkipsSettingsItDoesNotUse(params string[] args)
    {
        CreateEmptyDatabase();
        var overrides = new Dictionary<string, string?>
        {
            ["Storage:DatabasePath"] = DatabasePath,
            ["Schedule:IncrementalEvery"] = "abc",
            ["HubSpot:Tier"] = "gold",
            ["HubSpot:BaseAddress"] = "not a uri",
        };

        var (code, output, error) = await InProcess.RunAsync(overrides, args);

        Assert.True(code == ExitCodes.Success, $"{string.Join(' ', args)} exited {code}\n{output}\n{error}");
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private void CreateEmptyDatabase() => _ = new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath }).SchemaVersion();

    private Dictionary<string, string?> Overrides(params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["Storage:DatabasePath"] = DatabasePath,
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        return overrides;
    }
}
