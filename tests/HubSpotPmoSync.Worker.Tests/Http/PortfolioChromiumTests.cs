using System.Text.Json;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Worker.Tests.Http;

/// <summary>
/// The portfolio page of a real <c>run</c> process in headless Chromium at 1280 and 400 px. The store is the demo's:
/// the emulator seeded with the demo agency, <c>schema apply</c>, <c>sync</c> and the demo CSV imports, then <c>run</c>
/// syncs once against it. No console message, one row per project of <c>health --format json</c>, the project page
/// shows its reasons, and a screenshot of each width is taken (into <c>PORTFOLIO_SCREENSHOTS</c> when set; docs/
/// holds the committed ones).
/// </summary>
public sealed partial class PortfolioChromiumTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-portfolio-chromium-");

    [Fact]
    public async Task RunProcess_PortfolioInChromiumAt1280And400_NoConsoleMessages_RowPerProject_ReasonsOnTheProjectPage()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Seed = "demo";
            o.Tier = "unlimited";
        });
        var database = Path.Combine(_dir.FullName, "portfolio.db");
        var overrides = InProcess.EmulatorOverrides(emulator.BaseAddress, database, emulator.Options.Token);
        var demoData = WorkerHost.ResolvePath("config/demo");
        foreach (var args in new[]
        {
            new[] { "schema", "apply" },
            ["sync"],
            ["import", "time-entries", Path.Combine(demoData, "time-entries.csv")],
            ["import", "milestones", Path.Combine(demoData, "milestones.csv")],
        })
        {
            var (exited, output, error) = await InProcess.RunAsync(overrides, args);
            Assert.True(exited == ExitCodes.Success, $"{string.Join(' ', args)} exited {exited}\n{output}\n{error}");
        }

        var environment = new Dictionary<string, string>
        {
            ["HubSpot__BaseAddress"] = emulator.BaseAddress.ToString(),
            ["HubSpot__AccessToken"] = emulator.Options.Token,
            ["HubSpot__Tier"] = "unlimited",
            ["Storage__DatabasePath"] = database,
            ["Schedule__IncrementalEvery"] = "00:10:00",
            ["Schedule__ReconcileCron"] = "0 0 2 1 1 ? 2099",
        };
        using var worker = WorkerProcess.Start(_dir.FullName, environment, "run");
        await Signals.WaitForAsync(() => worker.Error, "HTTP: listening on http://127.0.0.1:", TimeSpan.FromSeconds(120));
        await Signals.WaitForAsync(() => worker.Error, "incremental-sync: cycle finished", TimeSpan.FromSeconds(180));
        var site = new Uri(Listening().Match(worker.Error).Groups[1].Value);

        var (healthCode, healthJson, healthError) = await InProcess.RunAsync(overrides, "health", "--format", "json");
        Assert.True(healthCode == ExitCodes.Success, healthError);
        using var health = JsonDocument.Parse(healthJson);
        var projects = health.RootElement.GetProperty("projects").EnumerateArray().ToList();
        Assert.True(projects.Count >= 40, $"{projects.Count} projects");

        var shots = Environment.GetEnvironmentVariable("PORTFOLIO_SCREENSHOTS") is { Length: > 0 } folder ? folder : _dir.FullName;
        Directory.CreateDirectory(shots);
        foreach (var width in new[] { 1280, 400 })
        {
            var (dom, console) = await HeadlessChromium.DumpDomAsync(site, width);
            Assert.True(console.Count == 0, $"console at {width} px:\n{string.Join('\n', console)}");
            Assert.Equal(projects.Count, Regex.Count(dom, "<tr class=\"project\""));
            Assert.DoesNotContain("<script", dom, StringComparison.Ordinal);

            var png = Path.Combine(shots, $"portfolio-{width}.png");
            var (shotWidth, shotHeight) = await HeadlessChromium.ScreenshotAsync(site, width, 1400, png);
            Assert.Equal((width, 1400), (shotWidth, shotHeight));
        }

        var code = projects.First(p => p.GetProperty("rag").GetString() == "red").GetProperty("projectCode").GetString()!;
        var page = new Uri(site, "/projects/" + Uri.EscapeDataString(code));
        foreach (var width in new[] { 1280, 400 })
        {
            var before = await ReasonsAsync(overrides, code);
            var (dom, console) = await HeadlessChromium.DumpDomAsync(page, width);
            var after = await ReasonsAsync(overrides, code);
            Assert.True(console.Count == 0, $"console at {width} px:\n{string.Join('\n', console)}");
            Assert.Contains(Text(code), dom, StringComparison.Ordinal);
            Assert.Equal(before.Count, Regex.Count(dom, "<tr class=\"factor\">"));

            // The reasons as health tells them just before or just after the page was read (they count days, and a
            // day may end in between).
            Assert.True(
                before.All(r => dom.Contains(Text(r), StringComparison.Ordinal)) || after.All(r => dom.Contains(Text(r), StringComparison.Ordinal)),
                $"the page lacks a reason of {string.Join(" | ", before)}\n{dom}");

            Assert.Contains("class=\"chart chart-history\"", dom, StringComparison.Ordinal);
            await HeadlessChromium.ScreenshotAsync(page, width, 1400, Path.Combine(shots, $"portfolio-project-{width}.png"));
        }

        foreach (var path in new[] { "/budget", "/status" })
        {
            var (_, console) = await HeadlessChromium.DumpDomAsync(new Uri(site, path), 400);
            Assert.True(console.Count == 0, $"console on {path}:\n{string.Join('\n', console)}");
        }

        Signals.Terminate(worker.Id);
        var exit = await worker.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == ExitCodes.Success, $"exit {exit}\n{worker.Error}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    /// <summary>The reason of every factor of one project, from <c>health --format json</c>.</summary>
    private static async Task<List<string>> ReasonsAsync(IReadOnlyDictionary<string, string?> overrides, string code)
    {
        var (exited, json, error) = await InProcess.RunAsync(overrides, "health", "--format", "json");
        Assert.True(exited == ExitCodes.Success, error);
        using var health = JsonDocument.Parse(json);
        return [.. health.RootElement.GetProperty("projects").EnumerateArray()
            .Single(p => p.GetProperty("projectCode").GetString() == code)
            .GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("reason").GetString()!)];
    }

    /// <summary>Text as Chromium serialises it in the DOM: only &amp;, &lt; and &gt; escaped.</summary>
    private static string Text(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    [GeneratedRegex(@"HTTP: listening on (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex Listening();
}
