using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing.Emulator;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Commands;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HubSpotPmoSync.Worker.Tests.EndToEnd.Health;

/// <summary>
/// Issue 7 end to end: the demo portfolio is pushed to the emulator (the demo's steps: schema apply, sync, import the
/// demo CSVs, sync with scoring and push, on the demo's anchored clock and a fixed as-of), then what HubSpot shows
/// through its API on projects, deals and companies equals <c>health --format json</c> run against the same database.
/// </summary>
public sealed class HealthWriteBackTests : IDisposable
{
    private static readonly DateTimeOffset AsOf = DemoCommand.DemoToday;

    private static readonly string[] ProjectFields = ["health_status", "health_score", "health_reasons", "health_trend", "health_actual_cost", "health_eac", "health_cpi", "health_spi", "last_synced_at"];

    private static readonly string[] RollupFields = ["delivery_health", "delivery_health_reason", "active_projects", "at_risk_projects", "budget_variance"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-health-e2e-");

    [Fact]
    public async Task PushedDemoPortfolio_HubSpotShowsTheHealthOfHealthJson()
    {
        var clock = new AnchoredTimeProvider(DemoCommand.DemoToday, TimeProvider.System);
        await using var emulator = await StartDemoPortalAsync(clock);
        var overrides = InProcess.EmulatorOverrides(emulator.BaseAddress, Path.Combine(_dir.FullName, "health.db"));

        var flush = await PushDemoPortfolioAsync(overrides, clock);
        Assert.Equal(0, flush.DeadLettered);
        Assert.NotEmpty(flush.Applied);

        var (code, json, error) = await InProcess.RunAsync(overrides, "health", "--format", "json", "--as-of", AsOf.ToString("O", CultureInfo.InvariantCulture));
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{error}");
        using var report = JsonDocument.Parse(json);
        var root = report.RootElement;

        var projects = await ReadAsync(emulator, "projects", ProjectFields);
        var reportedProjects = root.GetProperty("projects").EnumerateArray().ToList();
        Assert.True(reportedProjects.Count >= 40, $"{reportedProjects.Count} projects");
        Assert.Equal(reportedProjects.Select(p => p.GetProperty("projectId").GetString()).Order(StringComparer.Ordinal), projects.Keys.Order(StringComparer.Ordinal));
        foreach (var p in reportedProjects)
        {
            var id = p.GetProperty("projectId").GetString()!;
            var shown = projects[id];
            var at = $"project {id} ({p.GetProperty("projectCode").GetString()})";
            Assert.True(p.GetProperty("rag").GetString() == shown["health_status"], $"{at}: health_status {shown["health_status"]}, health json {p.GetProperty("rag")}");
            AssertNumber(at, "health_score", Rounded(p, "score", 1), shown, 0m);
            AssertNumber(at, "health_actual_cost", Rounded(p, "ac", 2), shown, 0m);
            AssertNumber(at, "health_eac", Rounded(p, "eac", 2), shown, 0m);

            // HubSpot holds indices with two decimals, the report with three: equal within HubSpot's rounding.
            AssertNumber(at, "health_cpi", Decimal(p, "cpi"), shown, 0.005m);
            AssertNumber(at, "health_spi", Decimal(p, "spi"), shown, 0.005m);
            var trend = p.GetProperty("trend").GetString();
            Assert.True((trend == "unknown" ? null : trend) == Empty(shown["health_trend"]), $"{at}: health_trend {shown["health_trend"]}, health json {trend}");
            foreach (var factor in p.GetProperty("factors").EnumerateArray().Where(f => f.GetProperty("hasData").GetBoolean()))
            {
                Assert.Contains(factor.GetProperty("reason").GetString()!, shown["health_reasons"] ?? "", StringComparison.Ordinal);
            }

            Assert.Equal("2026-11-20T17:00:00.000Z", shown["last_synced_at"]);
        }

        // Not vacuous: HubSpot holds real figures, not only empties on both sides.
        Assert.Contains(projects.Values, p => Empty(p["health_cpi"]) is not null && Empty(p["health_eac"]) is not null);
        Assert.Contains(projects.Values, p => p["health_status"] is "red" or "amber");

        var deals = await ReadAsync(emulator, "deals", RollupFields);
        var reportedDeals = root.GetProperty("deals").EnumerateArray().ToList();
        Assert.NotEmpty(reportedDeals);
        Assert.Equal(
            reportedDeals.Select(d => d.GetProperty("dealId").GetString()).Order(StringComparer.Ordinal),
            deals.Where(d => Empty(d.Value["delivery_health"]) is not null).Select(d => d.Key).Order(StringComparer.Ordinal));
        foreach (var d in reportedDeals)
        {
            var id = d.GetProperty("dealId").GetString()!;
            var at = $"deal {id}";
            Assert.True(d.GetProperty("worstRag").GetString() == deals[id]["delivery_health"], $"{at}: delivery_health {deals[id]["delivery_health"]}, health json {d.GetProperty("worstRag")}");
            AssertNumber(at, "budget_variance", SingleCurrencyVariance(d), deals[id], 0m);
        }

        Assert.Contains(deals.Values, d => Empty(d["budget_variance"]) is not null);

        var companies = await ReadAsync(emulator, "companies", RollupFields);
        var reportedCompanies = root.GetProperty("companies").EnumerateArray().ToList();
        Assert.NotEmpty(reportedCompanies);
        Assert.Equal(
            reportedCompanies.Select(c => c.GetProperty("companyId").GetString()).Order(StringComparer.Ordinal),
            companies.Where(c => Empty(c.Value["delivery_health"]) is not null).Select(c => c.Key).Order(StringComparer.Ordinal));
        foreach (var c in reportedCompanies)
        {
            var id = c.GetProperty("companyId").GetString()!;
            var shown = companies[id];
            var at = $"company {id} ({c.GetProperty("companyName").GetString()})";
            Assert.True(c.GetProperty("worstRag").GetString() == shown["delivery_health"], $"{at}: delivery_health {shown["delivery_health"]}, health json {c.GetProperty("worstRag")}");
            AssertNumber(at, "active_projects", c.GetProperty("activeProjects").GetDecimal(), shown, 0m);
            AssertNumber(at, "at_risk_projects", c.GetProperty("atRiskProjects").GetDecimal(), shown, 0m);
            AssertNumber(at, "budget_variance", SingleCurrencyVariance(c), shown, 0m);
        }

        // Diff-only push: another cycle at the same as-of, with HubSpot already showing every value, writes nothing.
        var again = await PushDemoPortfolioAsync(overrides, clock, firstRun: false);
        Assert.Empty(again.Applied);
    }

    [Fact]
    public async Task PersonEditsAProjectInHubSpot_StalenessCountsTheEditAndTheWorkersOwnPushDoesNotResetIt()
    {
        var clock = new AnchoredTimeProvider(DemoCommand.DemoToday, TimeProvider.System);
        await using var emulator = await StartDemoPortalAsync(clock);
        var database = Path.Combine(_dir.FullName, "activity.db");
        var overrides = InProcess.EmulatorOverrides(emulator.BaseAddress, database);
        emulator.Control.FreezeClock(AsOf);
        Assert.Equal(0, (await PushDemoPortfolioAsync(overrides, clock)).DeadLettered);

        // A stale active project and another one, as HubSpot shows them after the first push.
        var first = (await ReadAsync(emulator, "projects", ["health_reasons", "hs_name"]))
            .Select(p => (Id: p.Key, Name: p.Value["hs_name"], Idle: IdleDays(p.Value["health_reasons"])))
            .Where(p => p.Idle > 0)
            .OrderBy(p => long.Parse(p.Id, CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(first.Count >= 2, $"{first.Count} stale projects");
        var (edited, name, _) = first[0];
        var (other, _, otherIdleBefore) = first[1];

        // A person renames the project (an inbound field) a day later, through HubSpot's API.
        var editedAt = AsOf.AddDays(1);
        emulator.Control.FreezeClock(editedAt);
        var edit = await emulator.SendAsync(HttpMethod.Patch, $"crm/v3/objects/projects/{edited}", new { properties = new Dictionary<string, string> { ["hs_name"] = name + " (renamed)" } });
        Assert.True(edit.Status == 200, edit.ToString());

        // Two days after the edit: the edit is the project's last activity; the other project, untouched, idles on
        // (the first push moved its updatedAt, which is not activity).
        var second = AsOf.AddDays(3);
        emulator.Control.FreezeClock(second);
        Assert.Equal(0, (await PushDemoPortfolioAsync(overrides, new AnchoredTimeProvider(second, TimeProvider.System), firstRun: false, second)).DeadLettered);
        var afterEdit = await ReadAsync(emulator, "projects", ["health_reasons"]);
        Assert.Equal(2, IdleDays(afterEdit[edited]["health_reasons"]));
        Assert.Equal(otherIdleBefore + 3, IdleDays(afterEdit[other]["health_reasons"]));

        // The second push moved HubSpot's updatedAt past the edit; an idle sync three days later stores that version
        // and still counts the edit, not the push.
        var pushed = await emulator.SendAsync(HttpMethod.Get, $"crm/v3/objects/projects/{edited}");
        Assert.Equal(second, DateTimeOffset.Parse(pushed.Body.GetProperty("updatedAt").GetString()!, CultureInfo.InvariantCulture));
        var third = AsOf.AddDays(6);
        emulator.Control.FreezeClock(third);
        Assert.Equal(0, (await PushDemoPortfolioAsync(overrides, new AnchoredTimeProvider(third, TimeProvider.System), firstRun: false, third)).DeadLettered);
        Assert.Equal(5, IdleDays((await ReadAsync(emulator, "projects", ["health_reasons"]))[edited]["health_reasons"]));
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT updated_at, local_changed_at FROM crm_records WHERE object_type = 'projects' AND id = $id;";
        cmd.Parameters.AddWithValue("$id", edited);
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((second, editedAt), (DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Demo_WritesASelfContainedHtmlReportAndFinishesWellUnder60Seconds()
    {
        var demo = await DemoRun.InProcessAsync();

        Assert.True(demo.Code == ExitCodes.Success, $"exit {demo.Code}\n{demo.Output}\n{demo.Error}");
        Assert.True(demo.Elapsed < TimeSpan.FromSeconds(60), $"demo took {demo.Elapsed}");
        var html = Path.Combine(demo.Folder, "budget-report.html");
        Assert.Contains($"budget report: {html}", demo.Output, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(html);
        Assert.StartsWith("<!DOCTYPE html>", text.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg", text, StringComparison.Ordinal);

        // The only URI allowed is the SVG namespace name, which is an identifier and never fetched.
        var withoutSvgNamespace = text.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("http://", withoutSvgNamespace, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", withoutSvgNamespace, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", text, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(demo.Folder, "budget-report.csv")));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    /// <summary>
    /// The demo's steps on its anchored clock: schema apply, pull, import the demo CSVs (first run only), then a cycle
    /// that scores at <paramref name="asOf"/> (default <see cref="AsOf"/>) and pushes.
    /// </summary>
    private static async Task<FlushReport> PushDemoPortfolioAsync(Dictionary<string, string?> overrides, TimeProvider clock, bool firstRun = true, DateTimeOffset? asOf = null)
    {
        var builder = WorkerHost.CreateBuilder(new CommandEnvironment(TextWriter.Null, TextWriter.Null, overrides));
        builder.Services.Replace(ServiceDescriptor.Singleton(clock));
        using var host = builder.Build();
        var services = host.Services;
        var mappings = services.GetRequiredService<MappingProvider>().Mappings;
        await host.StartAsync();
        var cycle = services.GetRequiredService<DeliveryCycle>();
        if (firstRun)
        {
            var schema = await services.GetRequiredService<SchemaProvisioner>().ApplyAsync(SchemaCommand.DesiredFor(mappings), dryRun: false, CancellationToken.None);
            Assert.False(schema.HasConflicts);
            await cycle.RunAsync(new CycleRequest(Push: false), null, CancellationToken.None);
            var demoData = WorkerHost.ResolvePath("config/demo");
            var entries = await ImportCommand.RunAsync(services, Path.Combine(demoData, "time-entries.csv"), ImportCommand.ImportTimeEntries, CancellationToken.None);
            var milestones = await ImportCommand.RunAsync(services, Path.Combine(demoData, "milestones.csv"), ImportCommand.ImportMilestones, CancellationToken.None);
            Assert.True(entries.Imported > 0 && entries.Rejected == 0, ImportCommand.Describe("time-entries", entries));
            Assert.True(milestones.Imported > 0 && milestones.Rejected == 0, ImportCommand.Describe("milestones", milestones));
        }

        var report = await cycle.RunAsync(new CycleRequest(AsOf: asOf ?? AsOf), null, CancellationToken.None);
        await host.StopAsync();
        return report.Flush!;
    }

    /// <summary>Every record of an object type through the emulator's CRM API (paging with <c>after</c>): id → requested properties.</summary>
    /// <summary>The emulator seeded with the demo portal, on <paramref name="clock"/> (anchored at the demo's date).</summary>
    private static Task<EmulatorFixture> StartDemoPortalAsync(TimeProvider clock) =>
        EmulatorFixture.StartAsync(o =>
        {
            o.Seed = "demo";
            o.TimeProvider = clock;
        });

    private static async Task<Dictionary<string, Dictionary<string, string?>>> ReadAsync(EmulatorFixture emulator, string objectType, string[] properties)
    {
        var records = new Dictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var path = $"crm/v3/objects/{objectType}?limit=100&properties={string.Join(',', properties)}" + (after is null ? "" : $"&after={after}");
            var answer = await emulator.SendAsync(HttpMethod.Get, path);
            Assert.True(answer.Status == 200, answer.ToString());
            foreach (var r in answer.Body.GetProperty("results").EnumerateArray())
            {
                var values = r.GetProperty("properties");
                records[r.GetProperty("id").GetString()!] = properties.ToDictionary(
                    p => p,
                    p => values.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null,
                    StringComparer.Ordinal);
            }

            after = answer.Body.TryGetProperty("paging", out var paging) ? paging.GetProperty("next").GetProperty("after").GetString() : null;
        }
        while (after is not null);

        return records;
    }

    /// <summary>The variance a single number property can hold: only when every project of the record shares one currency.</summary>
    private static decimal? SingleCurrencyVariance(JsonElement rollup)
    {
        var totals = rollup.GetProperty("totals").EnumerateArray().ToList();
        return totals.Count == 1 && totals[0].GetProperty("projects").GetInt32() > totals[0].GetProperty("projectsWithoutEac").GetInt32()
            ? Math.Round(totals[0].GetProperty("vac").GetDecimal(), 2, MidpointRounding.AwayFromZero)
            : null;
    }

    private static decimal? Decimal(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    private static decimal? Rounded(JsonElement e, string name, int decimals) =>
        Decimal(e, name) is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;

    /// <summary>The days of "Staleness: no time entry or update for N days" in a project's health reasons (0: activity today; -1: none).</summary>
    private static int IdleDays(string? reasons)
    {
        if (reasons is null)
        {
            return -1;
        }

        if (reasons.Contains("Staleness: activity today", StringComparison.Ordinal))
        {
            return 0;
        }

        var match = Regex.Match(reasons, @"Staleness: no time entry or update for (\d+) days?", RegexOptions.CultureInvariant);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void AssertNumber(string at, string property, decimal? expected, Dictionary<string, string?> shown, decimal tolerance)
    {
        var text = Empty(shown[property]);
        decimal? actual = text is null ? null : decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        var equal = expected is null ? actual is null : actual is { } a && Math.Abs(a - expected.Value) <= tolerance;
        Assert.True(equal, $"{at}: HubSpot {property} = {text ?? "(empty)"}, health json = {expected?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
    }
}
