using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Commands;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Health;

/// <summary>
/// Issue 17: what the demo shows must be believable to finance — CPIs of 8–20 and margins of 88–95 % were not. Read
/// from the database and reports <c>demo</c> wrote, with the read commands a user would run.
/// </summary>
public sealed class DemoPortfolioTests
{
    private static readonly string AsOf = DemoCommand.DemoToday.ToString("O", CultureInfo.InvariantCulture);

    private static async Task<(DemoRun Demo, Dictionary<string, string?> Overrides)> DemoAsync()
    {
        var demo = await DemoRun.InProcessAsync();
        Assert.True(demo.Code == ExitCodes.Success, $"exit {demo.Code}\n{demo.Output}\n{demo.Error}");
        return (demo, new Dictionary<string, string?>
        {
            ["HubSpot:AccessToken"] = "read-only-commands-make-no-call",
            ["Storage:DatabasePath"] = Path.Combine(demo.Folder, "demo.db"),
        });
    }

    private static async Task<JsonElement> JsonOfAsync(Dictionary<string, string?> overrides, params string[] args)
    {
        var (code, output, error) = await InProcess.RunAsync(overrides, args);
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }

    private static decimal Median(List<decimal> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2m;

    [Fact]
    public async Task Demo_Portfolio_CpiMedianWithin0Point9And1Point1_MostlyWithin0Point7And1Point3_AFewInRealTrouble()
    {
        var (_, overrides) = await DemoAsync();

        var health = await JsonOfAsync(overrides, "health", "--format", "json", "--as-of", AsOf);

        var projects = health.GetProperty("projects").EnumerateArray().ToList();
        var cpis = projects.Where(p => p.GetProperty("cpi").ValueKind == JsonValueKind.Number).Select(p => p.GetProperty("cpi").GetDecimal()).Order().ToList();
        var shown = string.Join(", ", cpis);
        Assert.True(cpis.Count >= 25, $"{cpis.Count} projects with a CPI: {shown}");
        Assert.InRange(Median(cpis), 0.9m, 1.1m);
        Assert.True(cpis.Count(c => c is >= 0.7m and <= 1.3m) >= cpis.Count * 0.85, shown);
        Assert.True(cpis.Count(c => c < 0.8m) >= 2, $"no project in real trouble: {shown}");
        Assert.True(cpis.Max() <= 1.5m, shown);
        Assert.Contains(projects, p => p.GetProperty("rag").GetString() == "red");
        Assert.Contains(projects, p => p.GetProperty("rag").GetString() == "amber");
        Assert.Contains(projects, p => p.GetProperty("rag").GetString() == "green");
    }

    [Fact]
    public async Task Demo_BudgetReport_MarginsPlausibleForAnAgencySomeNegative()
    {
        var (_, overrides) = await DemoAsync();

        var report = await JsonOfAsync(overrides, "budget", "report", "--format", "json", "--as-of", AsOf);

        var margins = report.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("eacBasis").GetString() == "cpi" && l.GetProperty("forecastMarginPercent").ValueKind == JsonValueKind.Number)
            .Select(l => l.GetProperty("forecastMarginPercent").GetDecimal()).Order().ToList();
        var shown = string.Join(", ", margins);
        Assert.True(margins.Count >= 25, shown);
        Assert.InRange(Median(margins), 10m, 40m);
        Assert.Contains(margins, m => m < 0m);
        Assert.True(margins.Max() < 60m, shown);
    }

    /// <summary>Issue 17: <c>--as-of 1999-01-01</c> listed the demo's projects, which did not exist yet.</summary>
    [Fact]
    public async Task Demo_HealthAndBudgetReportAsOf1999_ListNoProject()
    {
        var (_, overrides) = await DemoAsync();

        var health = await JsonOfAsync(overrides, "health", "--format", "json", "--as-of", "1999-01-01");
        var budget = await JsonOfAsync(overrides, "budget", "report", "--format", "json", "--as-of", "1999-01-01");
        var now = await JsonOfAsync(overrides, "budget", "report", "--format", "json", "--as-of", AsOf);

        Assert.Equal(0, health.GetProperty("projects").GetArrayLength());
        Assert.DoesNotContain(budget.GetProperty("lines").EnumerateArray(), l => l.GetProperty("kind").GetString() == "project");
        Assert.True(now.GetProperty("lines").EnumerateArray().Count(l => l.GetProperty("kind").GetString() == "project") >= 40);
    }

    /// <summary>Issue 17: the projects of the demo's open deals (PRJ-0033…0040) showed Sold "—" with no flag.</summary>
    [Fact]
    public async Task Demo_BudgetReport_ProjectsOfOpenDealsFlaggedDealNotWon()
    {
        var (_, overrides) = await DemoAsync();

        var report = await JsonOfAsync(overrides, "budget", "report", "--format", "json", "--as-of", AsOf);

        var lines = report.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "project").ToList();
        var notWon = lines.Where(l => l.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "deal-not-won")).ToList();
        Assert.Equal(
            Enumerable.Range(33, 8).Select(i => $"PRJ-{i:0000}"),
            notWon.Select(l => l.GetProperty("projectCode").GetString()).Order(StringComparer.Ordinal));
        Assert.All(notWon, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("sold").ValueKind));
        Assert.All(lines.Except(notWon), l => Assert.NotEqual(JsonValueKind.Null, l.GetProperty("sold").ValueKind));
        foreach (var total in report.GetProperty("totals").EnumerateArray())
        {
            Assert.Equal(total.GetProperty("budget").GetDecimal() - total.GetProperty("eac").GetDecimal(), total.GetProperty("vac").GetDecimal());
        }
    }

    /// <summary>Issue 17: the budget report CSV had no byte order mark, so Excel garbled the en dashes of the names.</summary>
    [Fact]
    public async Task Demo_BudgetReportCsv_StartsWithUtf8ByteOrderMark()
    {
        var (demo, _) = await DemoAsync();

        var bytes = await File.ReadAllBytesAsync(Path.Combine(demo.Folder, "budget-report.csv"));

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Contains("–", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }
}
