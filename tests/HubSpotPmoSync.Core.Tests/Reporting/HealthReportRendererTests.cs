using System.Text.Json;
using HubSpotPmoSync.Core.Reporting;

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
        Assert.Equal(1.077m, p1.GetProperty("cpi").GetDecimal());
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
        Assert.Equal(string.Join(',', HealthReportRenderer.CsvColumns), rows[0]);
        Assert.Equal(6, rows.Length);
        Assert.StartsWith("p-1,PRJ-0001,On track,Acme,active,green,100.0,unknown,On track,EUR,10000.00,6666.67,7000.00,6500.00,1.077,1.050,9285.71", rows[1], StringComparison.Ordinal);
    }
}
