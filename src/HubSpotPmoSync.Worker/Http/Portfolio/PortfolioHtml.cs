using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Worker.Http.Portfolio;

/// <summary>
/// The portfolio pages as server-rendered HTML: inline CSS and inline SVG, no script, no font, image or link to load
/// (a content security policy forbids it). Every text that comes from data is HTML-encoded. Pure: returns the text.
/// </summary>
internal static partial class PortfolioHtml
{
    public const string PortfolioPath = "/";
    public const string BudgetPath = "/budget";
    public const string StatusPath = "/status";

    /// <summary>The content security policy in each page's meta tag (a saved page keeps it).</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'";

    /// <summary>The policy every answer carries as a header: the page's, and no framing (which only a header can say).</summary>
    public const string ContentSecurityPolicyHeader = ContentSecurityPolicy + "; frame-ancestors 'none'";

    public static string ProjectPath(string code) => "/projects/" + Uri.EscapeDataString(code);

    /// <summary><c>/</c>: the health table, sortable and filterable, with the portfolio counts and the worker's state in brief.</summary>
    public static string Portfolio(PortfolioView view, PortfolioQuery query, WorkerState state)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(state);
        var report = view.Report;
        var rows = query.Apply(report.Rows, view.Owners);
        var sb = new StringBuilder();
        Open(sb, "Portfolio health", PortfolioPath, report.AsOf);
        sb.Append("<h1>Portfolio health</h1>\n");

        sb.Append("<section class=\"stats\" aria-label=\"Projects per RAG\">\n");
        Stat(sb, report.Rows.Count.ToString(CultureInfo.InvariantCulture), "projects", null);
        foreach (var rag in new[] { Rag.Red, Rag.Amber, Rag.Green, Rag.Unknown })
        {
            Stat(sb, report.Rows.Count(r => r.Rag == rag).ToString(CultureInfo.InvariantCulture), rag.Name(), rag.Name());
        }

        sb.Append("</section>\n");
        WorkerStrip(sb, state);
        FilterForm(sb, report, view.Owners, query, rows.Count);
        HealthTable(sb, rows, view.Owners, query);
        Close(sb);
        return sb.ToString();
    }

    /// <summary><c>/projects/{code}</c>: the project's figures, the reason of every factor, and its health history.</summary>
    public static string Project(HealthReportRow row, IReadOnlyList<string> owners, IReadOnlyList<HealthSnapshot> history, RagRules bands, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(bands);
        var sb = new StringBuilder();
        Open(sb, row.ProjectCode + " " + row.ProjectName, null, asOf);
        sb.Append("<p class=\"crumbs\"><a href=\"/\">← Portfolio</a></p>\n");
        sb.Append("<h1 class=\"project-title\">").Append(Badge(row.Rag)).Append(" <span class=\"code\">").Append(E(row.ProjectCode)).Append("</span> ")
            .Append(E(row.ProjectName)).Append("</h1>\n");
        sb.Append("<p class=\"sub\">").Append(E(row.Client.Length == 0 ? "no client linked" : row.Client)).Append(" · status ").Append(E(row.Status))
            .Append(" · owner ").Append(E(owners.Count == 0 ? "—" : string.Join(", ", owners))).Append("</p>\n");

        sb.Append("<section class=\"stats figures\" aria-label=\"Figures\">\n");
        Stat(sb, Num(row.Score, "0.0"), "score (0–100)", null);
        Stat(sb, TrendText(row.Trend)[..1], "trend: " + row.Trend.Name(), row.Trend == HealthTrend.Worsening ? "neg" : null);
        Stat(sb, Num(row.Cpi, "0.00"), "CPI (cost)", IndexClass(row.Cpi));
        Stat(sb, Num(row.Spi, "0.00"), "SPI (schedule)", IndexClass(row.Spi));
        Stat(sb, Money(row.Eac), "EAC " + row.Currency, OverClass(row));
        Stat(sb, Money(row.Bac), "budget (BAC) " + row.Currency, null);
        Stat(sb, Money(row.Ac), "actual cost (AC)", null);
        Stat(sb, Money(row.Ev), "earned value (EV)", null);
        Stat(sb, Money(row.Pv), "planned value (PV)", null);
        Stat(sb, Money(row.Vac), "VAC (budget − EAC)", row.Vac < 0m ? "neg" : null);
        sb.Append("</section>\n");

        sb.Append("<h2>Why: the reasons, factor by factor</h2>\n");
        sb.Append("<p class=\"lead\"><strong>Top reason:</strong> <span class=\"top-reason\">").Append(E(row.TopReason)).Append("</span></p>\n");
        sb.Append("<div class=\"table-wrap\"><table class=\"factors\">\n<thead><tr><th>Factor</th><th class=\"num\">Sub-score</th><th class=\"num\">Weight</th><th class=\"num\">Points lost</th><th>Reason</th></tr></thead>\n<tbody>\n");
        foreach (var f in row.Factors.OrderByDescending(f => f.PointsLost).ThenBy(f => f.Factor))
        {
            sb.Append("<tr class=\"factor\"><td class=\"factor-name\">").Append(E(Capital(f.Factor.Name()))).Append("</td>")
                .Append("<td class=\"num\" data-label=\"sub-score\">").Append(f.HasData ? E(Num(Core.Reporting.Money.RoundPercent(f.SubScore), "0.0")) : "no data").Append("</td>")
                .Append("<td class=\"num\" data-label=\"weight\">").Append(E(Num(f.EffectiveWeight * 100m, "0")) + " %").Append("</td>")
                .Append("<td class=\"num\" data-label=\"points lost\">").Append(E(Num(f.PointsLost, "0.0"))).Append("</td>")
                .Append("<td class=\"reason\">").Append(E(f.Reason)).Append("</td></tr>\n");
        }

        sb.Append("</tbody></table></div>\n");

        sb.Append("<h2>Health history</h2>\n");
        HistoryChart(sb, history, bands);
        Close(sb);
        return sb.ToString();
    }

    /// <summary><c>/status</c>: whether a cycle runs, the cursors and lag per object, the dead letters and the last runs.</summary>
    public static string Status(WorkerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var sb = new StringBuilder();
        Open(sb, "Worker", StatusPath, state.Now);
        sb.Append("<h1>Worker</h1>\n");
        if (!state.Status.DatabaseExists)
        {
            sb.Append("<p class=\"empty\">No database yet: the first cycle creates it.</p>\n");
            Close(sb);
            return sb.ToString();
        }

        sb.Append("<section class=\"stats\" aria-label=\"Worker state\">\n");
        Stat(sb, state.Cycle.Held ? "running" : "idle", "cycle now", state.Cycle.Held ? "amber" : null);
        var last = state.Status.LastRuns.FirstOrDefault(r => r.Outcome is not null);
        Stat(sb, last is null ? "—" : last.Outcome!, last is null ? "last cycle" : "last cycle, " + Ago(state.Now, last.FinishedAt ?? last.StartedAt), last is null ? null : OutcomeClass(last.Outcome));
        Stat(sb, Lag(state) is { } lag ? Duration(lag) : "—", "lag (now − settled cursor, worst object)", null);
        Stat(sb, state.DeadLetters.ToString(CultureInfo.InvariantCulture), $"dead letters ({state.HeldDeadLetters} held)", state.DeadLetters > 0 ? "red" : null);
        sb.Append("</section>\n");
        sb.Append("<p class=\"sub\">").Append(E(state.Cycle switch
        {
            { Held: true } => "A cycle is running now (a process holds the database's cycle lock).",
            { LastHolder: { } holder } => "No cycle running. Last: " + holder,
            _ => "No cycle running.",
        })).Append(" Dead letters: <code>hubspot-pmo-sync dlq list</code>.</p>\n");

        sb.Append("<h2>Objects</h2>\n<div class=\"table-wrap\"><table class=\"objects\">\n<thead><tr><th>Object</th><th class=\"num\">Records</th><th class=\"num\">Archived</th><th class=\"num\">Links</th><th class=\"num\">In sync</th><th class=\"num\">Excluded</th><th class=\"num\">Failing</th><th>Settled cursor</th><th class=\"num\">Lag</th><th>Listing</th></tr></thead>\n<tbody>\n");
        foreach (var o in state.Status.Objects)
        {
            long Count(LedgerStatus s) => o.LedgerCounts.TryGetValue(s, out var n) ? n : 0;
            var listing = o.Cursor.ListInProgress ? "in progress" : o.Cursor.Listed ? "complete" : "never";
            sb.Append("<tr class=\"object\"><td>").Append(E(o.Kind.ToString().ToLowerInvariant())).Append("</td>")
                .Append(NumCell(o.Records)).Append(NumCell(o.ArchivedRecords)).Append(NumCell(o.Links))
                .Append(NumCell(Count(LedgerStatus.InSync))).Append(NumCell(Count(LedgerStatus.Excluded))).Append(NumCell(Count(LedgerStatus.Failing)))
                .Append("<td>").Append(E(Stamp(o.Cursor.Settled))).Append("</td>")
                .Append("<td class=\"num\">").Append(E(o.Cursor.Settled is { } s ? Duration(state.Now - s) : "—")).Append("</td>")
                .Append("<td>").Append(E(listing)).Append("</td></tr>\n");
        }

        sb.Append("</tbody></table></div>\n");

        sb.Append("<h2>Last cycles</h2>\n<div class=\"table-wrap\"><table class=\"runs\">\n<thead><tr><th class=\"num\">#</th><th>Kind</th><th>Started</th><th class=\"num\">Took</th><th>Outcome</th><th>Summary</th></tr></thead>\n<tbody>\n");
        var running = state.Cycle.Held ? state.Status.LastRuns.Where(r => r.Outcome is null).Select(r => (long?)r.Id).Max() : null;
        foreach (var run in state.Status.LastRuns)
        {
            var outcome = run.Outcome ?? (run.Id == running ? "running" : "no outcome (its process ended first)");
            sb.Append("<tr class=\"run\"><td class=\"num\">").Append(run.Id.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td>").Append(E(run.Kind)).Append("</td>")
                .Append("<td>").Append(E(Stamp(run.StartedAt))).Append("</td>")
                .Append("<td class=\"num\">").Append(E(run.FinishedAt is { } f ? Duration(f - run.StartedAt) : "—")).Append("</td>")
                .Append("<td><span class=\"pill ").Append(OutcomeClass(run.Outcome)).Append("\">").Append(E(outcome)).Append("</span></td>")
                .Append("<td class=\"summary\">").Append(E(run.Summary ?? string.Empty)).Append("</td></tr>\n");
        }

        if (state.Status.LastRuns.Count == 0)
        {
            sb.Append("<tr><td colspan=\"6\" class=\"empty\">No cycle has run yet.</td></tr>\n");
        }

        sb.Append("</tbody></table></div>\n");
        Close(sb);
        return sb.ToString();
    }

    /// <summary>A page saying there is nothing to show yet, or that a project is unknown (with a way back).</summary>
    public static string Message(string title, string message, string? current, DateTimeOffset asOf)
    {
        var sb = new StringBuilder();
        Open(sb, title, current, asOf);
        sb.Append("<h1>").Append(E(title)).Append("</h1>\n<p class=\"empty\">").Append(E(message)).Append("</p>\n<p><a href=\"/\">← Portfolio</a></p>\n");
        Close(sb);
        return sb.ToString();
    }

    /// <summary>
    /// <c>/budget</c>: the budget report's own self-contained HTML (<see cref="BudgetReportRenderer.Html"/>), with this
    /// site's navigation bar and narrow-screen rules added.
    /// </summary>
    public static string Budget(BudgetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // The report's own policy gives way to the site's (the same, plus the inline icon that keeps the browser
        // from asking for /favicon.ico).
        var html = MetaPolicy().Replace(BudgetReportRenderer.Html(report), MetaPolicyTag, 1);
        var head = "<link rel=\"icon\" href=\"data:,\">\n<style>\n" + TopBarCss + """
            body { margin: 0; }
            body > :not(header.top) { margin-left: 24px; margin-right: 24px; }
            body > header:not(.top) { margin-top: 16px; }
            table.lines, table.totals { display: block; overflow-x: auto; }
            svg.chart { max-width: 100%; height: auto; }
            @media (max-width: 640px) { body > :not(header.top) { margin-left: 12px; margin-right: 12px; } }
            </style>

            """;
        var bar = new StringBuilder();
        TopBar(bar, BudgetPath, report.AsOf);
        return Insert(Insert(html, "</head>", head, before: true), "<body>\n", bar.ToString(), before: false);
    }

    private const string MetaPolicyTag = "<meta http-equiv=\"Content-Security-Policy\" content=\"" + ContentSecurityPolicy + "\">";

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"[^\"]*\">")]
    private static partial Regex MetaPolicy();

    private static string Insert(string html, string marker, string text, bool before)
    {
        var at = html.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"the budget report's HTML has no '{marker.Trim()}'");
        }

        return html.Insert(before ? at : at + marker.Length, text);
    }

    private static void WorkerStrip(StringBuilder sb, WorkerState state)
    {
        sb.Append("<p class=\"worker\"><a href=\"").Append(StatusPath).Append("\">Worker</a>: ");
        if (!state.Status.DatabaseExists)
        {
            sb.Append("no database yet.</p>\n");
            return;
        }

        var parts = new List<string>();
        if (state.Cycle.Held)
        {
            parts.Add("a cycle is running");
        }

        if (state.Status.LastRuns.FirstOrDefault(r => r.Outcome is not null) is { } last)
        {
            parts.Add($"last cycle {last.Kind} {last.Outcome} {Ago(state.Now, last.FinishedAt ?? last.StartedAt)}");
        }
        else
        {
            parts.Add("no cycle finished yet");
        }

        if (Lag(state) is { } lag)
        {
            parts.Add("lag " + Duration(lag));
        }

        parts.Add($"{state.DeadLetters} dead letter{(state.DeadLetters == 1 ? "" : "s")}");
        sb.Append(string.Join(" · ", parts.Select(E))).Append("</p>\n");
    }

    private static void FilterForm(StringBuilder sb, HealthReport report, IReadOnlyDictionary<string, IReadOnlyList<string>> owners, PortfolioQuery query, int shown)
    {
        var clients = report.Rows.SelectMany(PortfolioQuery.ClientsOf).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var ownerIds = report.Rows.SelectMany(r => PortfolioQuery.OwnersOf(r, owners)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        sb.Append("<form class=\"filters\" method=\"get\" action=\"/\">\n");
        Select(sb, "client", "Client", "All clients", clients.Select(c => (c, c)), query.Client);
        Select(sb, "owner", "Owner", "All owners", ownerIds.Select(o => (o, o)), query.Owner);
        Select(sb, "sort", "Sort by", null, PortfolioQuery.SortKeys.Select(k => (k.Key, k.Label)), query.Sort);
        Select(sb, "dir", "Order", null, [("asc", "ascending"), ("desc", "descending")], query.Descending ? "desc" : "asc");
        sb.Append("<div class=\"actions\"><button type=\"submit\">Apply</button> <a href=\"/\">Reset</a></div>\n</form>\n");
        sb.Append("<p class=\"shown\">Showing <strong class=\"shown-count\">").Append(shown.ToString(CultureInfo.InvariantCulture)).Append("</strong> of ")
            .Append(report.Rows.Count.ToString(CultureInfo.InvariantCulture)).Append(" projects");
        if (query.Client is not null)
        {
            sb.Append(" · client ").Append(E(query.Client));
        }

        if (query.Owner is not null)
        {
            sb.Append(" · owner ").Append(E(query.Owner));
        }

        sb.Append(". Owner: the HubSpot owner id of the project's deals.</p>\n");
    }

    private static void Select(StringBuilder sb, string name, string label, string? all, IEnumerable<(string Value, string Text)> options, string? selected)
    {
        sb.Append("<label>").Append(E(label)).Append(" <select name=\"").Append(name).Append("\">");
        if (all is not null)
        {
            sb.Append("<option value=\"\">").Append(E(all)).Append("</option>");
        }

        foreach (var (value, text) in options)
        {
            sb.Append("<option value=\"").Append(E(value)).Append('"').Append(value == selected ? " selected" : "").Append('>').Append(E(text)).Append("</option>");
        }

        sb.Append("</select></label>\n");
    }

    private static void HealthTable(StringBuilder sb, IReadOnlyList<HealthReportRow> rows, IReadOnlyDictionary<string, IReadOnlyList<string>> owners, PortfolioQuery query)
    {
        sb.Append("<div class=\"table-wrap\"><table class=\"health\">\n<thead><tr>");
        Header(sb, query, "project", "Project", "c-project");
        Header(sb, query, "client", "Client", "c-client");
        Header(sb, query, "owner", "Owner", "c-owner");
        Header(sb, query, "rag", "RAG", "c-rag");
        Header(sb, query, "score", "Score", "c-score num");
        Header(sb, query, "trend", "Trend", "c-trend");
        Header(sb, query, "reason", "Top reason", "c-reason");
        Header(sb, query, "cpi", "CPI", "c-cpi num");
        Header(sb, query, "spi", "SPI", "c-spi num");
        Header(sb, query, "eac", "EAC vs budget", "c-eac num");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var r in rows)
        {
            var ownerList = PortfolioQuery.OwnersOf(r, owners);
            sb.Append("<tr class=\"project\" data-rag=\"").Append(r.Rag.Name()).Append("\">")
                .Append("<td class=\"c-project\" data-label=\"Project\"><a href=\"").Append(E(ProjectPath(r.ProjectCode))).Append("\"><span class=\"code\">")
                .Append(E(r.ProjectCode)).Append("</span> ").Append(E(r.ProjectName)).Append("</a></td>")
                .Append("<td class=\"c-client\" data-label=\"Client\">").Append(E(r.Client.Length == 0 ? "—" : r.Client)).Append("</td>")
                .Append("<td class=\"c-owner\" data-label=\"Owner\">").Append(E(ownerList.Count == 0 ? "—" : string.Join(", ", ownerList))).Append("</td>")
                .Append("<td class=\"c-rag\" data-label=\"RAG\">").Append(Badge(r.Rag)).Append("</td>")
                .Append("<td class=\"c-score num\" data-label=\"Score\">").Append(E(Num(r.Score, "0.0", "—"))).Append("</td>")
                .Append("<td class=\"c-trend\" data-label=\"Trend\"><span class=\"trend ").Append(r.Trend.Name()).Append("\">").Append(E(TrendText(r.Trend))).Append("</span></td>")
                .Append("<td class=\"c-reason\" data-label=\"Top reason\">").Append(E(r.TopReason)).Append("</td>")
                .Append("<td class=\"c-cpi num").Append(IndexClass(r.Cpi) is { } cc ? " " + cc : "").Append("\" data-label=\"CPI\">").Append(E(Num(r.Cpi, "0.00", "—"))).Append("</td>")
                .Append("<td class=\"c-spi num").Append(IndexClass(r.Spi) is { } sc ? " " + sc : "").Append("\" data-label=\"SPI\">").Append(E(Num(r.Spi, "0.00", "—"))).Append("</td>")
                .Append("<td class=\"c-eac num\" data-label=\"EAC vs budget\">").Append(EacCell(r)).Append("</td></tr>\n");
        }

        if (rows.Count == 0)
        {
            sb.Append("<tr><td colspan=\"10\" class=\"empty\">No project matches.</td></tr>\n");
        }

        sb.Append("</tbody></table></div>\n");
    }

    private static void Header(StringBuilder sb, PortfolioQuery query, string key, string label, string css)
    {
        var next = query.SortedBy(key);
        var mark = query.Sort == key ? (query.Descending ? " ▼" : " ▲") : "";
        sb.Append("<th class=\"").Append(css).Append('"').Append(query.Sort == key ? (query.Descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"") : "")
            .Append("><a href=\"").Append(E(next.Href())).Append("\">").Append(E(label)).Append(mark).Append("</a></th>");
    }

    private static string EacCell(HealthReportRow r)
    {
        if (r.Bac is null)
        {
            return "<span class=\"muted\">no budget</span>";
        }

        var text = $"{(r.Eac is null ? "—" : Num(r.Eac, "#,0"))} / {Num(r.Bac, "#,0")} {r.Currency}";
        var sb = new StringBuilder("<span class=\"eac\">").Append(E(text)).Append("</span>");
        if (PortfolioQuery.EacRatio(r) is { } ratio)
        {
            var delta = (ratio - 1m) * 100m;
            var cls = delta > 0.5m ? "over" : "under";
            sb.Append(" <span class=\"delta ").Append(cls).Append("\">").Append(E((delta > 0m ? "+" : delta < 0m ? "−" : "±") + Math.Abs(delta).ToString("0", CultureInfo.InvariantCulture) + " %")).Append("</span>");
        }

        return sb.ToString();
    }

    /// <summary>The score of each stored day as a line over the RAG bands, one dot per snapshot (its RAG's colour).</summary>
    internal static void HistoryChart(StringBuilder sb, IReadOnlyList<HealthSnapshot> history, RagRules bands)
    {
        var points = history.Where(s => s.Score is not null).ToList();
        if (points.Count == 0)
        {
            sb.Append("<p class=\"empty history-empty\">No scored snapshot yet: every cycle stores one; the chart shows the last of each day over ")
                .Append(PortfolioReader.HistoryWindow.Days.ToString(CultureInfo.InvariantCulture)).Append(" days.</p>\n");
            return;
        }

        const int width = 640;
        const int height = 220;
        const int left = 36;
        const int right = 16;
        const int top = 12;
        const int bottom = 30;
        var first = points[0].AsOf;
        var last = points[^1].AsOf;
        var span = (last - first).TotalSeconds;
        double X(DateTimeOffset at) => span <= 0 ? left + (width - left - right) / 2.0 : left + (at - first).TotalSeconds / span * (width - left - right);
        double Y(decimal score) => top + (double)(100m - Math.Clamp(score, 0m, 100m)) / 100.0 * (height - top - bottom);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"history\"><svg class=\"chart chart-history\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Health score over time\">\n");
        var plotWidth = width - left - right;
        sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"band green\" x=\"{left}\" y=\"{F(Y(100m))}\" width=\"{plotWidth}\" height=\"{F(Y(bands.GreenMin) - Y(100m))}\"></rect>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"band amber\" x=\"{left}\" y=\"{F(Y(bands.GreenMin))}\" width=\"{plotWidth}\" height=\"{F(Y(bands.AmberMin) - Y(bands.GreenMin))}\"></rect>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"band red\" x=\"{left}\" y=\"{F(Y(bands.AmberMin))}\" width=\"{plotWidth}\" height=\"{F(Y(0m) - Y(bands.AmberMin))}\"></rect>\n");
        foreach (var tick in new[] { 0m, 25m, 50m, 75m, 100m })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(Y(tick))}\" y2=\"{F(Y(tick))}\"></line><text x=\"{left - 6}\" y=\"{F(Y(tick) + 4)}\" text-anchor=\"end\">{tick:0}</text>\n");
        }

        if (points.Count > 1)
        {
            sb.Append("<polyline class=\"score-line\" points=\"").Append(string.Join(' ', points.Select(p => F(X(p.AsOf)) + "," + F(Y(p.Score!.Value))))).Append("\"></polyline>\n");
        }

        foreach (var p in points)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"point rag-{p.Rag.Name()}\" cx=\"{F(X(p.AsOf))}\" cy=\"{F(Y(p.Score!.Value))}\" r=\"4\"><title>")
                .Append(E($"{Stamp(p.AsOf)}: {Num(p.Score, "0.0")} {p.Rag.Name()} — {p.TopReason}")).Append("</title></circle>\n");
        }

        var labels = points.Count == 1 ? [points[0]] : new[] { points[0], points[^1] };
        for (var i = 0; i < labels.Length; i++)
        {
            var anchor = labels.Length == 1 ? "middle" : i == 0 ? "start" : "end";
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labels.Length == 1 ? X(labels[i].AsOf) : i == 0 ? left : width - right)}\" y=\"{height - 10}\" text-anchor=\"{anchor}\">")
                .Append(E(labels[i].AsOf.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append("</text>\n");
        }

        sb.Append("</svg><figcaption>Score (0–100) at each day's last cycle over ")
            .Append(PortfolioReader.HistoryWindow.Days.ToString(CultureInfo.InvariantCulture))
            .Append(" days; bands: green from ").Append(E(Num(bands.GreenMin, "0"))).Append(", amber from ").Append(E(Num(bands.AmberMin, "0")))
            .Append(". ").Append(points.Count.ToString(CultureInfo.InvariantCulture)).Append(points.Count == 1 ? " snapshot." : " snapshots.").Append("</figcaption></figure>\n");
    }

    private static void Open(StringBuilder sb, string title, string? current, DateTimeOffset asOf)
    {
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append(MetaPolicyTag).Append('\n')
            .Append("<link rel=\"icon\" href=\"data:,\">\n")
            .Append("<title>").Append(E(title)).Append(" · HubSpotPmoSync</title>\n<style>\n").Append(TopBarCss).Append(Css).Append("</style>\n</head>\n<body>\n");
        TopBar(sb, current, asOf);
        sb.Append("<main>\n");
    }

    private static void Close(StringBuilder sb) => sb.Append("</main>\n</body>\n</html>\n");

    private static void TopBar(StringBuilder sb, string? current, DateTimeOffset asOf)
    {
        sb.Append("<header class=\"top\"><span class=\"brand\">HubSpotPmoSync</span><nav>");
        foreach (var (path, label) in new[] { (PortfolioPath, "Portfolio"), (BudgetPath, "Budget"), (StatusPath, "Worker") })
        {
            sb.Append("<a href=\"").Append(path).Append('"').Append(path == current ? " aria-current=\"page\"" : "").Append('>').Append(label).Append("</a>");
        }

        sb.Append("</nav><span class=\"asof\">as of ").Append(E(Stamp(asOf))).Append(" · reload to update</span></header>\n");
    }

    private static void Stat(StringBuilder sb, string value, string label, string? css)
    {
        sb.Append("<div class=\"stat").Append(css is null ? "" : " " + css).Append("\"><b>").Append(E(value)).Append("</b><span>").Append(E(label)).Append("</span></div>\n");
    }

    private static string Badge(Rag rag) => $"<span class=\"badge {rag.Name()}\">{rag.Name()}</span>";

    private static string TrendText(HealthTrend trend) => trend switch
    {
        HealthTrend.Improving => "↗ improving",
        HealthTrend.Worsening => "↘ worsening",
        HealthTrend.Steady => "→ steady",
        _ => "· unknown",
    };

    private static string? IndexClass(decimal? index) => index switch
    {
        null => null,
        < 0.9m => "neg",
        _ => null,
    };

    private static string? OverClass(HealthReportRow row) => PortfolioQuery.EacRatio(row) is > 1m ? "neg" : null;

    private static string OutcomeClass(string? outcome) => outcome switch
    {
        null => "running",
        _ when outcome.StartsWith("succeeded", StringComparison.OrdinalIgnoreCase) || outcome.StartsWith("ok", StringComparison.OrdinalIgnoreCase) => "ok",
        _ => "bad",
    };

    private static TimeSpan? Lag(WorkerState state)
    {
        var settled = state.Status.Objects.Select(o => o.Cursor.Settled).ToList();
        return settled.Count == 0 || settled.Any(s => s is null) ? null : state.Now - settled.Min()!.Value;
    }

    private static string NumCell(long value) => $"<td class=\"num\">{value.ToString("#,0", CultureInfo.InvariantCulture)}</td>";

    private static string Money(decimal? value) => value is { } v ? v.ToString("#,0", CultureInfo.InvariantCulture) : "—";

    private static string Num(decimal? value, string format, string missing = "—") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : missing;

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    internal static string Stamp(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";

    internal static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    private static string Ago(DateTimeOffset now, DateTimeOffset at) => Duration(now - at) + " ago";

    /// <summary>HTML-encodes text for an element or a double-quoted attribute.</summary>
    internal static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private const string TopBarCss = """
        header.top { background: #1f2937; color: #fff; padding: 10px 24px; display: flex; flex-wrap: wrap; gap: 6px 24px; align-items: center; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 14px; }
        header.top .brand { font-weight: 700; font-size: 16px; letter-spacing: .2px; }
        header.top nav { display: flex; gap: 18px; }
        header.top nav a { color: #d1d5db; text-decoration: none; padding: 3px 0; border-bottom: 2px solid transparent; }
        header.top nav a:hover { color: #fff; }
        header.top nav a[aria-current="page"] { color: #fff; border-bottom-color: #60a5fa; }
        header.top .asof { margin-left: auto; color: #9ca3af; font-size: 12px; }
        @media (max-width: 640px) { header.top { padding: 8px 12px; } header.top .asof { margin-left: 0; width: 100%; } }

        """;

    private const string Css = """
        :root { --green: #2e7d32; --amber: #f9a825; --red: #c62828; --unknown: #9e9e9e; --ink: #1b1b1b; --muted: #5f6368; --line: #e3e5e8; --bg: #f5f6f8; --link: #1a56a8; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: var(--bg); font-size: 14px; line-height: 1.45; }
        main { padding: 16px 24px 32px; max-width: 1440px; margin: 0 auto; }
        a { color: var(--link); }
        h1 { font-size: 21px; margin: 6px 0 12px; }
        h2 { font-size: 16px; margin: 24px 0 8px; }
        code { background: #eceff1; padding: 0 4px; border-radius: 3px; }
        .stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 12px; }
        .stat { background: #fff; border: 1px solid var(--line); border-left: 4px solid #cfd4da; border-radius: 6px; padding: 6px 12px; min-width: 104px; }
        .stat b { display: block; font-size: 19px; font-variant-numeric: tabular-nums; }
        .stat span { color: var(--muted); font-size: 12px; }
        .stat.green { border-left-color: var(--green); } .stat.amber { border-left-color: var(--amber); } .stat.red { border-left-color: var(--red); } .stat.unknown { border-left-color: var(--unknown); }
        .stat.neg b { color: var(--red); }
        .worker { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin: 0 0 12px; color: var(--muted); }
        .worker a { font-weight: 600; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-end; margin: 0 0 6px; }
        .filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
        .filters select { font: inherit; font-size: 14px; padding: 4px 6px; min-width: 150px; max-width: 260px; border: 1px solid #c4c9cf; border-radius: 4px; background: #fff; color: var(--ink); }
        .filters button { font: inherit; padding: 5px 14px; border: 0; border-radius: 4px; background: var(--link); color: #fff; cursor: pointer; }
        .filters .actions { display: flex; gap: 10px; align-items: center; padding-bottom: 2px; }
        .shown { color: var(--muted); margin: 4px 0 10px; font-size: 12px; }
        .table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { padding: 7px 9px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        tbody tr:last-child td { border-bottom: 0; }
        th { background: #f1f3f4; font-weight: 600; white-space: nowrap; font-size: 13px; }
        th a { color: inherit; text-decoration: none; }
        th a:hover { text-decoration: underline; }
        th[aria-sort] { background: #e6ebf2; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.neg, .neg { color: var(--red); }
        tr.project:hover td { background: #f8fafc; }
        td.c-project a { text-decoration: none; font-weight: 600; }
        td.c-project a:hover { text-decoration: underline; }
        td.c-project { min-width: 200px; }
        td.c-reason { min-width: 220px; max-width: 440px; }
        .code { font-variant-numeric: tabular-nums; color: var(--muted); font-weight: 600; }
        .badge { display: inline-block; min-width: 54px; text-align: center; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
        .badge.green { background: var(--green); } .badge.amber { background: var(--amber); color: #000; } .badge.red { background: var(--red); } .badge.unknown { background: var(--unknown); }
        .trend { white-space: nowrap; } .trend.worsening { color: var(--red); } .trend.improving { color: var(--green); } .trend.unknown { color: var(--muted); }
        .delta { font-size: 12px; } .delta.over { color: var(--red); font-weight: 600; } .delta.under { color: var(--muted); }
        .muted, .empty, .sub { color: var(--muted); }
        .crumbs { margin: 0; }
        .project-title .badge { vertical-align: middle; }
        .lead { margin: 0 0 10px; }
        .pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; background: #eceff1; }
        .pill.ok { background: #e3f1e4; color: var(--green); } .pill.bad { background: #fbe4e4; color: var(--red); } .pill.running { background: #fff4d6; color: #8a6100; }
        td.summary { font-size: 12px; color: var(--muted); min-width: 260px; }
        figure.history { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; max-width: 700px; }
        figure.history figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg text { font-family: inherit; font-size: 11px; fill: var(--muted); }
        .band.green { fill: #e8f5e9; } .band.amber { fill: #fff8e1; } .band.red { fill: #fdecea; }
        .grid { stroke: #d0d4d9; stroke-width: 1; stroke-dasharray: 2 3; }
        .score-line { fill: none; stroke: #374151; stroke-width: 2; }
        .point { stroke: #fff; stroke-width: 1.5; }
        .point.rag-green { fill: var(--green); } .point.rag-amber { fill: var(--amber); } .point.rag-red { fill: var(--red); } .point.rag-unknown { fill: var(--unknown); }
        @media (max-width: 900px) {
          th.c-owner, td.c-owner, th.c-spi, td.c-spi { display: none; }
        }
        @media (max-width: 640px) {
          main { padding: 12px 12px 24px; }
          .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(68px, 1fr)); gap: 6px; }
          .stats.figures { grid-template-columns: repeat(auto-fill, minmax(104px, 1fr)); }
          .stat { min-width: 0; padding: 4px 6px; }
          .stat span { display: block; font-size: 11px; }
          .stat b { font-size: 17px; }
          .filters label { flex: 1 1 40%; }
          .filters select { min-width: 0; width: 100%; }
          table.health thead { display: none; }
          table.health, table.health tbody, table.health tr, table.health td { display: block; width: 100%; }
          table.health tr.project { padding: 8px 12px; border-bottom: 1px solid var(--line); }
          table.health td { border: 0; padding: 2px 0; display: flex; justify-content: space-between; gap: 12px; text-align: right; min-width: 0; max-width: none; }
          table.health td::before { content: attr(data-label); color: var(--muted); text-align: left; flex: none; }
          table.health td.c-project { display: block; text-align: left; font-size: 15px; padding-bottom: 4px; }
          table.health td.c-project::before { content: none; }
          table.health td.c-reason { display: block; text-align: left; }
          table.health td.c-reason::before { display: block; }
          th.c-owner, td.c-owner, th.c-spi, td.c-spi { display: flex; }
          table.factors thead { display: none; }
          table.factors, table.factors tbody, table.factors tr { display: block; }
          table.factors tr { padding: 8px 12px; border-bottom: 1px solid var(--line); }
          table.factors td { display: inline-block; border: 0; padding: 0 12px 0 0; }
          table.factors td::before { content: attr(data-label) " "; color: var(--muted); }
          table.factors td.factor-name { font-weight: 600; }
          table.factors td.reason { display: block; padding-top: 2px; }
        }

        """;
}
