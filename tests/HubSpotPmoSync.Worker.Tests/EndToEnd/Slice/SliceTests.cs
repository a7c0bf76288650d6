using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Slice;

/// <summary>
/// Issue 2's thin slice through the real parts, over real HTTP on loopback: the emulator, the HubSpot client paging
/// with <c>after</c>, SQLite, and the command line (in-process and as the real executable).
/// </summary>
public sealed partial class SliceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-slice-");

    [Fact]
    public async Task SyncNoPush_SeededEmulator_StoresEverySeededDealWithItsNameAndAmount()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        var database = Path.Combine(_dir.FullName, "slice.db");

        var (code, output, error) = await InProcess.RunAsync(InProcess.EmulatorOverrides(emulator.BaseAddress, database), "sync", "--no-push");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var seeded = emulator.Control.ExportState().Objects["deals"]
            .Where(d => !d.Archived)
            .Select(d => (d.Id, Name: d.Properties["dealname"], Amount: decimal.Parse(d.Properties["amount"]!, CultureInfo.InvariantCulture)))
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(80, seeded.Count);
        Assert.Equal(seeded, StoredDeals(database));
    }

    [Fact]
    public async Task Demo_InProcess_Exits0AndPrintsThePortfolioOfTheSeededProjects()
    {
        var demo = await DemoRun.InProcessAsync();

        Assert.True(demo.Code == ExitCodes.Success, $"exit {demo.Code}\n{demo.Output}\n{demo.Error}");
        Assert.Contains("Portfolio health as of 2026-11-20", demo.Output, StringComparison.Ordinal);

        // Every project in the demo database (the 40 seeded plus those kicked off for won deals) has a row.
        var projects = StoredProjects(Path.Combine(demo.Folder, "demo.db"));
        Assert.True(projects.Count >= 40, $"{projects.Count} projects");
        var table = demo.Output[demo.Output.IndexOf("Portfolio health as of", StringComparison.Ordinal)..];
        foreach (var code in projects)
        {
            Assert.Contains(code + " ", table, StringComparison.Ordinal);
        }

        Assert.Contains($"{projects.Count} projects: ", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_RealExecutable_Exits0AndPrintsThePortfolio()
    {
        var (code, output, error) = await WorkerProcess.RunAsync(_dir.FullName, new Dictionary<string, string>(), TimeSpan.FromSeconds(120), "demo", "--out", _dir.FullName);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Contains("Portfolio health as of 2026-11-20", output, StringComparison.Ordinal);
        Assert.Matches(@"\d+ projects: \d+ green, \d+ amber, \d+ red, \d+ unknown", output);
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "budget-report.html")));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "budget-report.csv")));
    }

    [Fact]
    public async Task Emulator_RealProcess_PrintsWhereItListensAndAnswersOnlyWithTheToken()
    {
        using var process = WorkerProcess.Start(_dir.FullName, new Dictionary<string, string>(), "emulator", "--port", "0", "--seed", "demo", "--token", "slice-token");
        await Signals.WaitForAsync(() => process.Output, "listening on http://127.0.0.1:", TimeSpan.FromSeconds(60));
        await Signals.WaitForAsync(() => process.Output, "\n", TimeSpan.FromSeconds(10));
        var address = new Uri(Listening().Match(process.Output).Groups[1].Value + "/");

        using var client = new HttpClient { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "crm/v3/objects/deals?limit=5&properties=dealname");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "slice-token");
        using var answer = await client.SendAsync(request);
        using var anonymous = await client.GetAsync(new Uri("crm/v3/objects/deals?limit=5", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("dealname", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        Signals.Terminate(process.Id);
        Assert.Equal(ExitCodes.Success, await process.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    private static List<(string Id, string? Name, decimal Amount)> StoredDeals(string database)
    {
        using var connection = Open(database);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT id, json_extract(properties, '$.dealname'), json_extract(properties, '$.amount')
            FROM crm_records WHERE object_type = 'deals' AND archived = 0;
            """;
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string?, decimal)>();
        while (r.Read())
        {
            rows.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), decimal.Parse(Convert.ToString(r.GetValue(2), CultureInfo.InvariantCulture)!, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return [.. rows.OrderBy(d => d.Item1, StringComparer.Ordinal)];
    }

    private static List<string> StoredProjects(string database)
    {
        using var connection = Open(database);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT json_extract(properties, '$.project_code') FROM crm_records WHERE object_type = 'projects' AND archived = 0;";
        using var r = cmd.ExecuteReader();
        var codes = new List<string>();
        while (r.Read())
        {
            codes.Add(r.GetString(0));
        }

        return codes;
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
