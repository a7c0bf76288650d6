using System.Text.RegularExpressions;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Rollups;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Worker.Http.Portfolio;

namespace HubSpotPmoSync.Worker.Tests.Http;

/// <summary>The pages as rendered: every data text encoded, sort and filter from the query string, the reasons and the history chart.</summary>
public sealed partial class PortfolioHtmlTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 20, 17, 0, 0, TimeSpan.Zero);

    private const string Evil = "<script>alert('x')</script> & \"Co\"";

    [Fact]
    public void Portfolio_EveryRowOnce_DataEncoded_NoScript()
    {
        var html = PortfolioHtml.Portfolio(View(), PortfolioQuery.Default, State());

        Assert.Equal(4, Rows(html).Count);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/projects/PRJ-%3CB%3E\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(PortfolioHtml.ContentSecurityPolicy, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Portfolio_DefaultSort_WorstRagFirstThenLowestScore()
    {
        var html = PortfolioHtml.Portfolio(View(), PortfolioQuery.Default, State());

        Assert.Equal(["PRJ-R1", "PRJ-A1", "PRJ-&lt;B&gt;", "PRJ-G1"], Rows(html));
    }

    [Theory]
    [InlineData("cpi", "asc", new[] { "PRJ-R1", "PRJ-A1", "PRJ-G1", "PRJ-&lt;B&gt;" })]
    [InlineData("cpi", "desc", new[] { "PRJ-G1", "PRJ-A1", "PRJ-R1", "PRJ-&lt;B&gt;" })]
    [InlineData("project", "asc", new[] { "PRJ-&lt;B&gt;", "PRJ-A1", "PRJ-G1", "PRJ-R1" })]
    [InlineData("score", "desc", new[] { "PRJ-G1", "PRJ-A1", "PRJ-R1", "PRJ-&lt;B&gt;" })]
    [InlineData("eac", "desc", new[] { "PRJ-R1", "PRJ-A1", "PRJ-G1", "PRJ-&lt;B&gt;" })]
    [InlineData("nonsense", "sideways", new[] { "PRJ-R1", "PRJ-A1", "PRJ-&lt;B&gt;", "PRJ-G1" })]
    public void Portfolio_SortedByQuery_UnknownValuesLast(string sort, string dir, string[] expected)
    {
        var query = PortfolioQuery.Parse(Query(("sort", sort), ("dir", dir)));

        Assert.Equal(expected, Rows(PortfolioHtml.Portfolio(View(), query, State())));
    }

    [Fact]
    public void Portfolio_FilteredByClientAndOwner()
    {
        var byClient = PortfolioQuery.Parse(Query(("client", "Acme")));
        var byOwner = PortfolioQuery.Parse(Query(("owner", "701")));
        var both = PortfolioQuery.Parse(Query(("client", "Acme"), ("owner", "702")));
        var evil = PortfolioQuery.Parse(Query(("client", Evil)));

        Assert.Equal(["PRJ-R1", "PRJ-G1"], Rows(PortfolioHtml.Portfolio(View(), byClient, State())));
        Assert.Equal(["PRJ-A1", "PRJ-G1"], Rows(PortfolioHtml.Portfolio(View(), byOwner, State())));
        Assert.Equal(["PRJ-R1"], Rows(PortfolioHtml.Portfolio(View(), both, State())));
        Assert.Equal(["PRJ-&lt;B&gt;"], Rows(PortfolioHtml.Portfolio(View(), evil, State())));
        Assert.Contains("Showing <strong class=\"shown-count\">2</strong> of 4 projects", PortfolioHtml.Portfolio(View(), byClient, State()), StringComparison.Ordinal);
    }

    [Fact]
    public void Portfolio_HeaderLinks_KeepTheFilterAndFlipTheCurrentSort()
    {
        var query = PortfolioQuery.Parse(Query(("sort", "cpi"), ("dir", "asc"), ("client", "Acme & Sons")));
        var html = PortfolioHtml.Portfolio(View(), query, State());

        Assert.Contains("<th class=\"c-cpi num\" aria-sort=\"ascending\"><a href=\"/?sort=cpi&amp;dir=desc&amp;client=Acme%20%26%20Sons\">CPI ▲</a></th>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?sort=score&amp;dir=asc&amp;client=Acme%20%26%20Sons\">Score</a>", html, StringComparison.Ordinal);
        Assert.Equal("/?sort=cpi&dir=asc&client=Acme%20%26%20Sons", query.Href());
        Assert.Equal("/", PortfolioQuery.Default.Href());
    }

    [Fact]
    public void Portfolio_WorkerStrip_LastCycleLagAndDeadLetters()
    {
        var html = PortfolioHtml.Portfolio(View(), PortfolioQuery.Default, State());

        Assert.Contains("last cycle incremental succeeded 10 min ago · lag 2 min · 3 dead letters", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_EveryReasonEncoded_AndTheHistoryChartHasAPointPerSnapshot()
    {
        var row = View().Report.Rows.Single(r => r.ProjectCode == "PRJ-<B>");
        var history = new[]
        {
            Snapshot(row, AsOf.AddDays(-20), 80m, Rag.Green),
            Snapshot(row, AsOf.AddDays(-10), 62m, Rag.Amber),
            Snapshot(row, AsOf.AddDays(-5), null, Rag.Unknown),
            Snapshot(row, AsOf, 41m, Rag.Red),
        };

        var html = PortfolioHtml.Project(row, ["701"], history, new RagRules(), AsOf);

        Assert.Equal(4, Regex.Count(html, "<tr class=\"factor\">"));
        foreach (var f in row.Factors)
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(f.Reason), html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(html, "<circle class=\"point rag-"));
        Assert.Single(Regex.Matches(html, "<polyline class=\"score-line\""));
        Assert.Contains("<circle class=\"point rag-red\"", html, StringComparison.Ordinal);
        Assert.Contains("2026-10-31", html, StringComparison.Ordinal);
        Assert.Contains("2026-11-20", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_NoHistory_SaysSo()
    {
        var row = View().Report.Rows[0];

        var html = PortfolioHtml.Project(row, [], [], new RagRules(), AsOf);

        Assert.Contains("class=\"empty history-empty\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_ObjectsRunsAndDeadLetters()
    {
        var html = PortfolioHtml.Status(State());

        Assert.Equal(2, Regex.Count(html, "<tr class=\"object\">"));
        Assert.Equal(2, Regex.Count(html, "<tr class=\"run\">"));
        Assert.Contains("&lt;b&gt;boom&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<b>3</b><span>dead letters (1 held)</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_TheReportWithTheNavigationBar()
    {
        var report = new BudgetReport(AsOf, [], []);

        var html = PortfolioHtml.Budget(report);

        Assert.Contains("<nav><a href=\"/\">Portfolio</a><a href=\"/budget\" aria-current=\"page\">Budget</a>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"chart chart-rag\"", html, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(html, "<body>"));
        Assert.Equal(1, Regex.Count(html, "http-equiv=\"Content-Security-Policy\""));
        Assert.Contains("content=\"" + PortfolioHtml.ContentSecurityPolicy + "\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Owners_FromTheProjectsDeals()
    {
        var model = new DeliveryModelSnapshot(
            [],
            [new Deal("d1", "D1", "p", "s", OwnerId: "701"), new Deal("d2", "D2", "p", "s", OwnerId: "702"), new Deal("d3", "D3", "p", "s", OwnerId: "703", Archived: true)],
            [],
            [new Project("p1", "PRJ-1", "P1", "active", null, null, 1m, "EUR")],
            [
                new DeliveryLink(EntityKind.Project, "p1", EntityKind.Deal, "d2", []),
                new DeliveryLink(EntityKind.Deal, "d1", EntityKind.Project, "p1", []),
                new DeliveryLink(EntityKind.Deal, "d3", EntityKind.Project, "p1", []),
            ]);

        var owners = PortfolioReader.OwnersOf(model);

        Assert.Equal(["701", "702"], owners["p1"]);
    }

    internal static List<string> Rows(string html) =>
        [.. RowCode().Matches(html).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<tr class=\"project\"[^>]*><td class=\"c-project\"[^>]*><a href=\"[^\"]*\"><span class=\"code\">([^<]*)</span>")]
    private static partial Regex RowCode();

    private static Func<string, string?> Query(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    private static PortfolioView View()
    {
        HealthReportRow Row(string id, string code, string client, Rag rag, decimal? score, decimal? cpi, decimal? bac, decimal? eac, HealthTrend trend) => new(
            id, code, "Project " + code, client, "active", rag, score, trend, "Reason of " + code, "EUR",
            bac, 100m, 90m, 80m, cpi, 0.95m, eac, 10m, bac - eac, 1m,
            [
                new FactorResult(HealthFactor.Schedule, true, 40m, 0.35m, 0.35m, 14m, $"Schedule: {code} late by 9 days"),
                new FactorResult(HealthFactor.Budget, true, 90m, 0.35m, 0.35m, 31.5m, $"Budget: CPI {cpi} for {client}"),
                new FactorResult(HealthFactor.Tickets, true, 100m, 0.15m, 0.15m, 15m, "Tickets: none open"),
                new FactorResult(HealthFactor.Staleness, false, null, 0.15m, 0m, 0m, "Staleness: no data"),
            ]);

        var rows = new[]
        {
            Row("1", "PRJ-G1", "Acme", Rag.Green, 88m, 1.2m, 1000m, 900m, HealthTrend.Steady),
            Row("2", "PRJ-R1", "Acme", Rag.Red, 30m, 0.6m, 1000m, 1700m, HealthTrend.Worsening),
            Row("3", "PRJ-A1", "Beta; Acme & Sons", Rag.Amber, 60m, 0.9m, 1000m, 1100m, HealthTrend.Improving),
            Row("4", "PRJ-<B>", Evil, Rag.Unknown, null, null, null, null, HealthTrend.Unknown),
        };
        var owners = new Dictionary<string, IReadOnlyList<string>>
        {
            ["1"] = ["701"],
            ["2"] = ["702"],
            ["3"] = ["701", "703"],
        };
        return new PortfolioView(new HealthReport(AsOf, rows, new PortfolioRollup([], [])), owners, DeliveryModelSnapshot.Empty);
    }

    private static WorkerState State()
    {
        var settled = new SyncCursorState(EntityKind.Deal) { Listed = true, Settled = AsOf.AddMinutes(-2) };
        var objects = new[]
        {
            new ObjectStatus(EntityKind.Deal, 80, 1, 120, settled, new Dictionary<LedgerStatus, long> { [LedgerStatus.InSync] = 79 }, []),
            new ObjectStatus(EntityKind.Company, 30, 0, 40, settled with { Kind = EntityKind.Company, Settled = AsOf.AddMinutes(-1) }, new Dictionary<LedgerStatus, long>(), []),
        };
        var runs = new[]
        {
            new SyncRunInfo(2, "incremental", AsOf.AddMinutes(-11), AsOf.AddMinutes(-10), "succeeded", "pulled 3"),
            new SyncRunInfo(1, "full", AsOf.AddMinutes(-30), AsOf.AddMinutes(-29), "failed", "<b>boom</b>"),
        };
        return new WorkerState(AsOf, new SyncStatus(true, objects, runs), new CycleLockState(false, null), 3, 1);
    }

    private static HealthSnapshot Snapshot(HealthReportRow row, DateTimeOffset at, decimal? score, Rag rag) =>
        new(row.ProjectId, row.ProjectCode, at, at, score, rag, HealthTrend.Steady, null, null, null, "EUR", "<i>reason</i>");
}
