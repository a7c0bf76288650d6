using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Commands;

/// <summary>
/// <c>import time-entries|milestones FILE</c>, <c>import list</c> and <c>import undo BATCH</c> in-process on a real SQLite
/// file whose delivery model holds the projects PRJ-0001 and PRJ-0002, on a fake clock at 2026-03-20.
/// </summary>
public sealed class ImportCommandTests : IDisposable
{
    private const string Header = "Date,Project Code,Person,Hours,Cost Rate,Billable Rate,Notes\n";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-import-cli-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 20, 8, 0, 0, TimeSpan.Zero));

    public ImportCommandTests()
    {
        using var connection = new SqliteDatabase(new StorageOptions { DatabasePath = DatabasePath }).Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO crm_records (object_type, id, archived, archived_at, created_at, updated_at, properties, local_values, first_synced_at, last_synced_at) VALUES
            ('projects', '1', 0, NULL, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '{}', '{"code":"PRJ-0001","name":"One"}', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'),
            ('projects', '2', 0, NULL, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '{}', '{"code":"PRJ-0002","name":"Two"}', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z');
            INSERT INTO sync_ledger VALUES ('projects', '1', '2026-01-02T00:00:00Z', 'h1', 'in_sync', NULL, '2026-01-04T00:00:00Z'),
                                           ('projects', '2', '2026-01-02T00:00:00Z', 'h2', 'in_sync', NULL, '2026-01-04T00:00:00Z');
            """;
        cmd.ExecuteNonQuery();
    }

    private string DatabasePath => Path.Combine(_dir.FullName, "cli.db");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ImportTimeEntries_FutureDatedRows_ImportedWithAWarningCountingThemAndNamingTheFirstLines()
    {
        var path = Write("t.csv", Header
            + "2026-03-19,PRJ-0001,Ana Souza,2,55,140,Yesterday\n"
            + "2026-03-20,PRJ-0001,Ana Souza,2,55,140,Today\n"
            + "2026-03-21,PRJ-0001,Ana Souza,2,55,140,Tomorrow\n"
            + "2026-12-24,PRJ-0002,Ben Carter,1,48,120,Christmas\n");

        var (code, output, error) = await RunAsync("import", "time-entries", path);

        Assert.Contains("warning: 2 time entries are dated after today (2026-03-20): lines 4, 5", error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("4 added", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportTimeEntries_PrintsItsBatch_ListShowsIt_UndoRemovesWhatItAddedAndRestoresWhatItReplaced()
    {
        var path = Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n2026-03-03,PRJ-0001,Ana Souza,2,55,140,Build\n");
        var first = await RunAsync("import", "time-entries", path);
        Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,6,55,140,Discovery\n2026-03-03,PRJ-0001,Ana Souza,2,55,140,Build\n2026-03-04,PRJ-0002,Ben Carter,1,48,120,New\n");

        var second = await RunAsync("import", "time-entries", path);
        var list = await RunAsync("import", "list");
        var undo = await RunAsync("import", "undo", "2");

        Assert.Contains("→ batch 1: 2 added, 0 replaced, 0 unchanged, 0 rejected", first.Output, StringComparison.Ordinal);
        Assert.Contains("→ batch 2: 1 added, 1 replaced, 1 unchanged, 0 rejected", second.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, list.Code);
        Assert.Contains(list.Output.Split('\n'), l => l.StartsWith("2 ", StringComparison.Ordinal) && l.Contains("time-entries", StringComparison.Ordinal) && l.Contains(path, StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Success, undo.Code);
        Assert.Contains("batch 2 undone: 1 removed, 1 restored", undo.Output, StringComparison.Ordinal);
        Assert.Equal(["2026-03-02|4", "2026-03-03|2"], SyncDatabase.Rows(DatabasePath, "SELECT entry_date, hours FROM time_entries ORDER BY entry_date;"));
        Assert.Contains("undone", (await RunAsync("import", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportUndo_OlderBatchWhoseRowsALaterBatchChanged_Exits2NamingTheLaterBatch()
    {
        var path = Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n");
        await RunAsync("import", "time-entries", path);
        Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,6,55,140,Discovery\n");
        await RunAsync("import", "time-entries", path);

        var (code, _, error) = await RunAsync("import", "undo", "1");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("batch 2", error, StringComparison.Ordinal);
        Assert.Equal(["6"], SyncDatabase.Rows(DatabasePath, "SELECT hours FROM time_entries;"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("99")]
    public async Task ImportUndo_BadBatchId_Exits2NamingIt(string id)
    {
        var (code, _, error) = await RunAsync("import", "undo", id);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"'{id}'", error, StringComparison.Ordinal);
        Assert.Contains("import list", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportUndo_Twice_SecondExits2()
    {
        var path = Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n");
        await RunAsync("import", "time-entries", path);

        var first = await RunAsync("import", "undo", "1");
        var second = await RunAsync("import", "undo", "1");

        Assert.Equal((ExitCodes.Success, ExitCodes.BadInput), (first.Code, second.Code));
        Assert.Contains("already undone", second.Error, StringComparison.Ordinal);
        Assert.Empty(SyncDatabase.Rows(DatabasePath, "SELECT id FROM time_entries;"));
    }

    [Fact]
    public async Task ImportMilestones_UndoRestoresTheEarlierValues()
    {
        const string header = "Project Code,Milestone,Planned Date,Actual Date,Weight,Percent Complete\n";
        var path = Write("m.csv", header + "PRJ-0001,Design,2026-03-20,,2,40\n");
        await RunAsync("import", "milestones", path);
        Write("m.csv", header + "PRJ-0001,Design,2026-03-27,,2,75\nPRJ-0001,Build,2026-04-30,,3,0\n");
        var second = await RunAsync("import", "milestones", path);

        var undo = await RunAsync("import", "undo", "2");

        Assert.Contains("→ batch 2: 1 added, 1 replaced, 0 unchanged, 0 rejected", second.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, undo.Code);
        Assert.Equal(["Design|2026-03-20|40|1"], SyncDatabase.Rows(DatabasePath, "SELECT name, planned_date, percent_complete, batch_id FROM milestones;"));
    }

    [Fact]
    public async Task ImportTimeEntries_UnknownCulture_Exits2NamingTheKeyAndImportsNothing()
    {
        var path = Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n");

        var (code, _, error) = await RunWithAsync(new() { ["Import:Culture"] = "xx-YY" }, "import", "time-entries", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Import:Culture 'xx-YY'", error, StringComparison.Ordinal);
        Assert.Empty(SyncDatabase.Rows(DatabasePath, "SELECT id FROM time_entries;"));
    }

    [Fact]
    public async Task ImportTimeEntries_Latin1File_Exits2SayingHowToReadIt()
    {
        var path = Path.Combine(_dir.FullName, "latin1.csv");
        await File.WriteAllBytesAsync(path, System.Text.Encoding.Latin1.GetBytes(Header + "2026-03-02,PRJ-0001,Zo\u00eb M\u00fcller,4,55,140,x\n"));

        var (code, _, error) = await RunAsync("import", "time-entries", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Import:Encoding=windows-1252", error, StringComparison.Ordinal);
        Assert.Empty(SyncDatabase.Rows(DatabasePath, "SELECT id FROM time_entries;"));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("undo", "1")]
    [InlineData("time-entries", "t.csv")]
    public async Task Import_NoDatabaseAtThePath_Exits2NamingTheSettingAndCreatesNothing(params string[] args)
    {
        var missing = Path.Combine(_dir.FullName, "typo.db");
        Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n");
        var paths = args.Select(a => a.EndsWith(".csv", StringComparison.Ordinal) ? Path.Combine(_dir.FullName, a) : a);

        var (code, _, error) = await RunWithAsync(new() { ["Storage:DatabasePath"] = missing }, ["import", .. paths]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"no database at {missing}", error, StringComparison.Ordinal);
        Assert.Contains("Storage:DatabasePath", error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task ImportMilestones_ActualDateAfterToday_ImportedWithAWarning()
    {
        var path = Write("m.csv", "Project Code,Milestone,Planned Date,Actual Date,Weight,Percent Complete\nPRJ-0001,Design,2026-03-20,2026-03-25,2,100\n");

        var (code, output, error) = await RunAsync("import", "milestones", path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("1 added", output, StringComparison.Ordinal);
        Assert.Contains("warning: 1 milestone has an actual date after today (2026-03-20): line 2.", error, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithAsync([], args);

    private Task<(int Code, string Output, string Error)> RunWithAsync(Dictionary<string, string?> settings, params string[] args)
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

        return InProcess.RunAsync(overrides, _clock, args);
    }
}
