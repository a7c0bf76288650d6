using System.Text.Json;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Outbound;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Reporting;

public sealed class HealthReportRendererTests
{
    [Fact]
    public void Table_OneRowPerProjectAndASummary()
    {
        var table = HealthReportRenderer.Table(SampleReports.Health());

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Portfolio health as of 2026-03-20T12:00:00Z", lines[0]);
        Assert.StartsWith("Project", lines[1], StringComparison.Ordinal);
        Assert.Equal(3 + 5 + 1, lines.Length);
        Assert.Contains("PRJ-0001 On track", lines[3], StringComparison.Ordinal);
        Assert.EndsWith("9,286 / 10,000 EUR", lines[3], StringComparison.Ordinal);
        Assert.Equal("5 projects: 2 green, 0 amber, 2 red, 1 unknown", lines[^1]);
    }

    [Fact]
    public void Json_ProjectsDealsAndCompaniesWithRoundedFigures()
    {
        var report = SampleReports.Health();

        using var doc = JsonDocument.Parse(HealthReportRenderer.Json(report));

        var projects = doc.RootElement.GetProperty("projects");
        Assert.Equal(5, projects.GetArrayLength());
        var p1 = projects[0];
        Assert.Equal("PRJ-0001", p1.GetProperty("projectCode").GetString());
        Assert.Equal("green", p1.GetProperty("rag").GetString());
        Assert.Equal(1.08m, p1.GetProperty("cpi").GetDecimal());
        Assert.Equal(9285.71m, p1.GetProperty("eac").GetDecimal());
        Assert.Equal(4, p1.GetProperty("factors").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, projects[4].GetProperty("score").ValueKind);
        Assert.Equal(report.Rollups.Deals.Count, doc.RootElement.GetProperty("deals").GetArrayLength());
        var acme = doc.RootElement.GetProperty("companies").EnumerateArray().Single(c => c.GetProperty("companyId").GetString() == "c-1");
        Assert.Equal(2, acme.GetProperty("activeProjects").GetInt32());
        Assert.Equal(1, acme.GetProperty("atRiskProjects").GetInt32());
        Assert.Equal("red", acme.GetProperty("worstRag").GetString());
    }

    [Fact]
    public void Csv_HeaderAndOneRowPerProject()
    {
        var csv = HealthReportRenderer.Csv(SampleReports.Health());

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TextFormat.CsvByteOrderMark + string.Join(',', HealthReportRenderer.CsvColumns), rows[0]);
        Assert.Equal(6, rows.Length);
        Assert.StartsWith("p-1,PRJ-0001,On track,Acme,active,green,100.0,unknown,On track,EUR,10000.00,6666.67,7000.00,6500.00,1.08,1.05,9285.71", rows[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 17: one CPI showed as 12.99 in the table, 12.98 in HubSpot and in the reason, and 12.985 in the JSON.
    /// Rounded once to two decimals, halves away from zero, it is the same figure in all of them.
    /// </summary>
    [Fact]
    public void TableJsonCsvReasonAndHubSpot_SameCpiRoundedOnceToTwoDecimals()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithBudget(10_000m).WithPercentComplete(12.98499m).Build())
            .Build();
        var data = new DeliveryData([new HealthTimeEntryBuilder().Costing(1_000m).Build()], [], []);
        var health = PortfolioHealthEvaluator.Evaluate(model, data, HealthRules.Default, SampleReports.AsOf);
        var rollup = RollupCalculator.Rollup(model, health);
        var report = HealthReport.Build(model, health, rollup);

        var table = HealthReportRenderer.Table(report);
        using var json = JsonDocument.Parse(HealthReportRenderer.Json(report));
        var csv = HealthReportRenderer.Csv(report).Split("\r\n")[1];
        var pushed = ComputedFields.Compute(model, health, rollup, SampleReports.AsOf)[EntityKind.Project]["p-1"];

        Assert.Equal(1.298499m, health.Projects[0].EarnedValue.Cpi);
        Assert.Equal(1.30m, report.Rows[0].Cpi);
        Assert.Equal(1.30m, json.RootElement.GetProperty("projects")[0].GetProperty("cpi").GetDecimal());
        Assert.Contains(",1.30,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("1.298", csv, StringComparison.Ordinal);
        Assert.Equal("1.30", pushed[ProductSchema.HealthCpi]);
        Assert.Contains(" 1.30 ", table, StringComparison.Ordinal);
        Assert.Contains("Budget: CPI 1.30", json.RootElement.GetProperty("projects")[0].GetProperty("factors")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TableJsonCsvAndHubSpot_CpiJustBelowAHalf_NotRoundedTwice()
    {
        var model = new HealthPortfolioBuilder()
            .WithProject(new HealthProjectBuilder().WithId("p-1").WithBudget(10_000m).WithPercentComplete(12.98499m).Build())
            .Build();
        var data = new DeliveryData([new HealthTimeEntryBuilder().Costing(100m).Build()], [], []);
        var health = PortfolioHealthEvaluator.Evaluate(model, data, HealthRules.Default, SampleReports.AsOf);
        var rollup = RollupCalculator.Rollup(model, health);
        var report = HealthReport.Build(model, health, rollup);

        using var json = JsonDocument.Parse(HealthReportRenderer.Json(report));
        var csv = HealthReportRenderer.Csv(report).Split("\r\n")[1];
        var pushed = ComputedFields.Compute(model, health, rollup, SampleReports.AsOf)[EntityKind.Project]["p-1"];
        var reason = health.Projects[0].Factor(HealthFactor.Budget).Reason;

        // 12.98499: 12.98 everywhere (three decimals first would give 12.985, then 12.99 in the table).
        Assert.Equal(12.98m, json.RootElement.GetProperty("projects")[0].GetProperty("cpi").GetDecimal());
        Assert.Contains(",12.98,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("12.985", csv, StringComparison.Ordinal);
        Assert.Equal("12.98", pushed[ProductSchema.HealthCpi]);
        Assert.StartsWith("Budget: CPI 12.98", reason, StringComparison.Ordinal);
        Assert.Contains(" 12.98 ", HealthReportRenderer.Table(report), StringComparison.Ordinal);
        Assert.DoesNotContain("12.99", HealthReportRenderer.Table(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_StartsWithUtf8ByteOrderMark()
    {
        var csv = HealthReportRenderer.Csv(SampleReports.Health());

        Assert.Equal('\uFEFF', csv[0]);
        Assert.StartsWith("project_id,", csv[1..], StringComparison.Ordinal);
    }
}
