using System.Text.Json;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Progress;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.Regressions;

/// <summary>
/// Issue 17, point 6: at 80 columns every line the commands print fits (tables lay out to the terminal's width,
/// prose wraps, nothing garbles); a full sync counts each record once; <c>export --object associations --format
/// json</c> honours the filter.
/// </summary>
public sealed class TerminalWidthTests_17
{
    private const int Columns = 80;

    [Fact]
    public async Task Health_At80Columns_EveryLineFitsAndEveryProjectIsListed()
    {
        var demo = await DemoRun.InProcessAsync();
        Assert.True(demo.Code == ExitCodes.Success, demo.Error);
        var database = Path.Combine(demo.Folder, "demo.db");
        var environment = new Dictionary<string, string>
        {
            ["COLUMNS"] = Columns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HubSpot__BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot__AccessToken"] = "test-token",
            ["Storage__DatabasePath"] = database,
        };

        var (code, output, error) = await WorkerProcess.RunAsync(demo.Folder, environment, TimeSpan.FromMinutes(1), "health", "--as-of", "2026-11-20");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{error}");
        AssertFits(output);
        foreach (var project in StoredProjectCodes(database))
        {
            Assert.Contains(project, output, StringComparison.Ordinal);
        }

        Assert.Matches(@"\d+ projects: \d+ green, \d+ amber, \d+ red, \d+ unknown", output);
    }

    [Fact]
    public async Task Sync_At80Columns_EveryLineFits_AndAFullSyncCountsEachRecordOnce()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        using var workspace = new SyncWorkspace(emulator, new Dictionary<string, string> { ["COLUMNS"] = "80" });
        var apply = await workspace.RunAsync(TimeSpan.FromMinutes(1), "schema", "apply");
        Assert.True(apply.Code == ExitCodes.Success, apply.Error);

        // The first cycle pushes health onto every company and deal, so HubSpot modifies them all after the pull.
        var first = await workspace.RunAsync(TimeSpan.FromMinutes(2), "sync");
        Assert.True(first.Code == ExitCodes.Success, first.Error);
        AssertFits(first.Output);
        AssertFits(first.Error);

        var full = await workspace.RunAsync(TimeSpan.FromMinutes(2), "sync", "--full");

        Assert.True(full.Code == ExitCodes.Success, full.Error);
        AssertFits(full.Output);
        AssertFits(full.Error);
        var records = LedgerRows(workspace.DatabasePath);
        Assert.Contains($"seen {records}, ", string.Join(' ', full.Output.Split('\n').Select(l => l.Trim())), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Describe_LargestFigures_FitsAnEightyColumnProgressLine()
    {
        // Spectre's progress line: the description, a spinner and the elapsed time (00:00:00), a space between each.
        var budget = Columns - 2 - 1 - 8 - 1;
        foreach (var phase in Enum.GetValues<SyncPhase>())
        {
            var line = SyncProgressDisplay.Describe(EntityKind.Company, new SyncProgress(EntityKind.Company, phase, 9_999_999, 99_999, 99_999, TimeSpan.FromSeconds(100)));
            Assert.True(line.Length <= budget, $"{line.Length} > {budget}: {line}");
        }
    }

    [Fact]
    public async Task ExportAssociationsJson_ListsOnlyTheAssociations()
    {
        var demo = await DemoRun.InProcessAsync();
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["Storage:DatabasePath"] = Path.Combine(demo.Folder, "demo.db"),
        };

        var (code, output, error) = await InProcess.RunAsync(overrides, "export", "--object", "associations", "--format", "json");
        var (allCode, all, _) = await InProcess.RunAsync(overrides, "export", "--format", "json");

        Assert.True(code == ExitCodes.Success && allCode == ExitCodes.Success, error);
        using var only = JsonDocument.Parse(output);
        using var everything = JsonDocument.Parse(all);
        Assert.Equal(["associations"], only.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(only.RootElement.GetProperty("associations").GetArrayLength() > 0);
        Assert.Equal(everything.RootElement.GetProperty("associations").GetRawText(), only.RootElement.GetProperty("associations").GetRawText());
    }

    private static void AssertFits(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            Assert.True(line.TrimEnd('\r').Length <= Columns, $"{line.Length} columns: {line}\n--- in ---\n{text}");
        }
    }

    /// <summary>One ledger row per record the sync knows: what a full listing sees, each record once.</summary>
    private static long LedgerRows(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sync_ledger;";
        return (long)cmd.ExecuteScalar()!;
    }

    private static List<string> StoredProjectCodes(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT json_extract(properties, '$.project_code') FROM crm_records WHERE object_type = 'projects' AND archived = 0;";
        using var reader = cmd.ExecuteReader();
        var codes = new List<string>();
        while (reader.Read())
        {
            codes.Add(reader.GetString(0));
        }

        return codes;
    }
}
