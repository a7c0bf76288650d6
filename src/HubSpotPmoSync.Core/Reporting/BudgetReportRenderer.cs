using System.Globalization;
using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Core.Health;
using static HubSpotPmoSync.Core.Reporting.TextFormat;

namespace HubSpotPmoSync.Core.Reporting;

/// <summary>
/// Renders the budget report as CSV, JSON or one self-contained HTML file (inline CSS and SVG charts; no
/// scripts, fonts, images or links to load; a content security policy forbids anything else). Pure.
/// </summary>
public static class BudgetReportRenderer
{
    /// <summary>The CSV columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "kind", "project_code", "name", "client", "currency", "rag", "sold", "budget", "ac", "eac", "vac",
        "forecast_margin", "forecast_margin_percent", "planned_percent", "earned_percent", "burn_percent", "deal_ids", "flags", "detail", "eac_basis",
    ];

    /// <summary>
    /// What the totals mean, printed under them in every format (CSV <c>note</c> rows, JSON <c>notes</c>, the HTML
    /// footnote).
    /// </summary>
    public static IReadOnlyList<string> Notes(BudgetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var atBudgetRate = report.Lines.Count(l => l.EacBasis == EacBasis.BudgetRate);
        return
        [
            "VAC = Budget − EAC on every line and so in every total; each total is the sum of its currency's lines, rounded to the cent per line.",
            string.Create(CultureInfo.InvariantCulture, $"EAC = BAC ÷ CPI; a project without a CPI yet (no cost booked, or nothing earned for it) is forecast at the budgeted rate, EAC = AC + (BAC − EV), which is its budget while nothing is booked (eac_basis budget-rate: {atBudgetRate} line{(atBudgetRate == 1 ? "" : "s")})."),
            "Forecast margin = Sold − EAC, on the lines that have both; a project flagged deal-not-won has nothing sold yet and adds nothing to Sold.",
        ];
    }

    /// <summary>
    /// CSV: a UTF-8 byte order mark (so that Excel reads it as UTF-8), one row per line, one <c>total</c> row per
    /// currency, then the <see cref="Notes"/> as <c>note</c> rows (text in the detail column); CRLF line ends.
    /// </summary>
    public static string Csv(BudgetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append(CsvByteOrderMark);
        CsvLine(sb, CsvColumns);
        foreach (var l in report.Lines)
        {
            CsvLine(sb,
            [
                Kind(l.Kind), CsvText(l.ProjectCode), CsvText(l.Name), CsvText(l.Client), CsvText(l.Currency), l.Rag?.Name() ?? "",
                Num(l.Sold), Num(l.Budget), Num(l.Ac), Num(l.Eac), Num(l.Vac), Num(l.ForecastMargin), Num(l.ForecastMarginPercent, "0.0"),
                Num(l.PlannedPercent, "0.0"), Num(l.EarnedPercent, "0.0"), Num(l.BurnPercent, "0.0"),
                CsvText(string.Join(' ', l.DealIds)), string.Join(' ', l.Flags.Select(f => f.Code())), CsvText(l.Detail), Basis(l.EacBasis),
            ]);
        }

        foreach (var t in report.Totals)
        {
            CsvLine(sb,
            [
                "total", "", "", "", CsvText(t.Currency), "", Num(t.Sold), Num(t.Budget), Num(t.Ac), Num(t.Eac), Num(t.Vac), Num(t.ForecastMargin),
                "", "", "", "", "", "", CsvText($"lines: {t.Lines}; EAC at budgeted rate: {t.LinesEacAtBudgetRate}; without EAC: {t.LinesWithoutEac}; flagged: {t.FlaggedLines}"), "",
            ]);
        }

        foreach (var note in Notes(report))
        {
            CsvLine(sb, ["note", .. Enumerable.Repeat("", CsvColumns.Count - 3), CsvText(note), ""]);
        }

        return sb.ToString();
    }

    /// <summary>JSON: <c>{"asOf", "lines": [...], "totals": [...], "notes": [...], "ragCounts": {...}}</c>.</summary>
    public static string Json(BudgetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("asOf", Date(report.AsOf));
            w.WriteStartArray("lines");
            foreach (var l in report.Lines)
            {
                w.WriteStartObject();
                w.WriteString("kind", Kind(l.Kind));
                w.WriteString("projectId", l.ProjectId);
                w.WriteString("projectCode", l.ProjectCode);
                w.WriteString("name", l.Name);
                w.WriteString("client", l.Client);
                w.WriteString("currency", l.Currency);
                w.WriteString("rag", l.Rag?.Name());
                Number(w, "sold", l.Sold);
                Number(w, "budget", l.Budget);
                Number(w, "ac", l.Ac);
                Number(w, "eac", l.Eac);
                Number(w, "vac", l.Vac);
                Number(w, "forecastMargin", l.ForecastMargin);
                Number(w, "forecastMarginPercent", l.ForecastMarginPercent);
                Number(w, "plannedPercent", l.PlannedPercent);
                Number(w, "earnedPercent", l.EarnedPercent);
                Number(w, "burnPercent", l.BurnPercent);
                w.WriteStartArray("dealIds");
                foreach (var d in l.DealIds)
                {
                    w.WriteStringValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("flags");
                foreach (var f in l.Flags)
                {
                    w.WriteStringValue(f.Code());
                }

                w.WriteEndArray();
                w.WriteString("detail", l.Detail);
                w.WriteString("eacBasis", Basis(l.EacBasis));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("totals");
            foreach (var t in report.Totals)
            {
                w.WriteStartObject();
                w.WriteString("currency", t.Currency);
                w.WriteNumber("lines", t.Lines);
                w.WriteNumber("sold", t.Sold);
                w.WriteNumber("budget", t.Budget);
                w.WriteNumber("ac", t.Ac);
                w.WriteNumber("eac", t.Eac);
                w.WriteNumber("vac", t.Vac);
                w.WriteNumber("forecastMargin", t.ForecastMargin);
                w.WriteNumber("linesWithoutEac", t.LinesWithoutEac);
                w.WriteNumber("linesEacAtBudgetRate", t.LinesEacAtBudgetRate);
                w.WriteNumber("flaggedLines", t.FlaggedLines);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var note in Notes(report))
            {
                w.WriteStringValue(note);
            }

            w.WriteEndArray();
            w.WriteStartObject("ragCounts");
            foreach (var rag in RagOrder)
            {
                w.WriteNumber(rag.Name(), report.RagCounts.GetValueOrDefault(rag));
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// One self-contained HTML page: the portfolio RAG chart (<c>svg.chart-rag</c>, one <c>rect.rag-bar</c> per
    /// RAG value), the burn-against-plan chart (<c>svg.chart-burn</c>, one <c>g.burn-row</c> per project with a
    /// budget), the lines, the totals per currency and the flag legend. Every text is HTML-escaped.
    /// </summary>
    public static string Html(BudgetReport report, string title = "Budget report")
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">

            """);
        sb.Append("<title>").Append(Esc(title)).Append("</title>\n");
        sb.Append(Css);
        sb.Append("</head>\n<body>\n");
        sb.Append("<header><h1>").Append(Esc(title)).Append("</h1><p class=\"asof\">As of ").Append(Esc(Date(report.AsOf)))
            .Append(" · amounts rounded to the cent per line; totals are sums of the lines, per currency</p></header>\n");

        sb.Append("<section class=\"charts\">\n");
        RagChart(sb, report);
        BurnChart(sb, report);
        sb.Append("</section>\n");

        Totals(sb, report);
        Footnotes(sb, report);
        Lines(sb, report);
        Legend(sb);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static readonly Rag[] RagOrder = [Rag.Green, Rag.Amber, Rag.Red, Rag.Unknown];

    private const string Css = """
        <style>
        :root { --green: #2e7d32; --amber: #f9a825; --red: #c62828; --unknown: #9e9e9e; --ink: #1b1b1b; --muted: #5f6368; }
        * { box-sizing: border-box; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 24px; font-size: 14px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; }
        .asof { color: var(--muted); margin: 0 0 16px; }
        .charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-weight: 600; margin-bottom: 6px; }
        svg text { font-family: inherit; font-size: 11px; fill: var(--ink); }
        .rag-green { fill: var(--green); } .rag-amber { fill: var(--amber); } .rag-red { fill: var(--red); } .rag-unknown { fill: var(--unknown); }
        .burn-track { fill: #eceff1; } .burn-bar { fill: #1565c0; } .burn-bar.over { fill: var(--red); } .burn-break { stroke: #fff; stroke-width: 3; fill: none; }
        .plan-mark { stroke: var(--ink); stroke-width: 2; } .earned-mark { stroke: var(--green); stroke-width: 2; stroke-dasharray: 3 2; }
        table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
        th, td { border-bottom: 1px solid #dadce0; padding: 4px 6px; text-align: left; vertical-align: top; }
        th { background: #f1f3f4; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .neg { color: var(--red); }
        .badge { display: inline-block; padding: 0 6px; border-radius: 8px; color: #fff; font-size: 12px; }
        .badge.green { background: var(--green); } .badge.amber { background: var(--amber); color: #000; } .badge.red { background: var(--red); } .badge.unknown { background: var(--unknown); }
        .flag { display: inline-block; border: 1px solid var(--red); color: var(--red); border-radius: 3px; padding: 0 4px; margin: 1px; font-size: 11px; }
        .detail { color: var(--muted); font-size: 12px; }
        .footnote { color: var(--muted); font-size: 12px; margin: 2px 0; }
        @media print {
          body { margin: 10mm; font-size: 10pt; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          .charts { display: block; }
          figure { break-inside: avoid; margin-bottom: 8mm; }
          tr, .legend li { break-inside: avoid; }
          thead { display: table-header-group; }
          h2 { break-after: avoid; }
        }
        </style>

        """;

    private static void RagChart(StringBuilder sb, BudgetReport report)
    {
        const int barWidth = 56;
        const int gap = 24;
        const int chartHeight = 160;
        var max = Math.Max(1, RagOrder.Max(r => report.RagCounts.GetValueOrDefault(r)));
        var total = RagOrder.Sum(r => report.RagCounts.GetValueOrDefault(r));
        var width = RagOrder.Length * (barWidth + gap) + gap;
        sb.Append("<figure><figcaption>Portfolio RAG (").Append(total).Append(" projects)</figcaption>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart chart-rag\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{chartHeight + 54}\" viewBox=\"0 0 {width} {chartHeight + 54}\" role=\"img\" aria-label=\"Projects per RAG status\">\n");
        for (var i = 0; i < RagOrder.Length; i++)
        {
            var rag = RagOrder[i];
            var count = report.RagCounts.GetValueOrDefault(rag);
            var height = (int)Math.Round((double)count / max * chartHeight);
            var x = gap + i * (barWidth + gap);
            var y = 24 + chartHeight - height;
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"rag-bar rag-{rag.Name()}\" x=\"{x}\" y=\"{y}\" width=\"{barWidth}\" height=\"{height}\"><title>{rag.Name()}: {count}</title></rect>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{y - 4}\" text-anchor=\"middle\">{count}</text>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{chartHeight + 42}\" text-anchor=\"middle\">{rag.Name()}</text>\n");
        }

        sb.Append("</svg></figure>\n");
    }

    private static void BurnChart(StringBuilder sb, BudgetReport report)
    {
        const int rowHeight = 22;
        const int labelWidth = 220;
        const int barArea = 360;
        const decimal scaleMax = 150m;
        var rows = report.Lines.Where(l => l.Kind == BudgetLineKind.Project && l.Budget is > 0m).ToList();
        var height = Math.Max(1, rows.Count) * rowHeight + 30;
        var width = labelWidth + barArea + 70;
        sb.Append("<figure><figcaption>Budget burnt against plan (bar: AC ÷ budget; black tick: planned PV ÷ budget; green dashed tick: earned EV ÷ budget)</figcaption>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart chart-burn\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Budget burn against plan per project\">\n");
        int X(decimal percent) => labelWidth + (int)Math.Round(Math.Clamp(percent, 0m, scaleMax) / scaleMax * barArea);
        for (var i = 0; i < rows.Count; i++)
        {
            var l = rows[i];
            var y = 8 + i * rowHeight;
            var burn = l.BurnPercent ?? 0m;
            var label = Truncate((l.ProjectCode + " " + l.Name).Trim(), 34);
            // A bar longer than the axis is cut at its end, with a break mark, and labelled with its real value.
            var cut = burn > scaleMax;
            sb.Append(cut ? "<g class=\"burn-row cut\">" : "<g class=\"burn-row\">");
            sb.Append(CultureInfo.InvariantCulture, $"<title>{Esc(l.ProjectCode)}: burnt {Num(l.BurnPercent, "0.0")} %, planned {Num(l.PlannedPercent, "0.0")} %, earned {Num(l.EarnedPercent, "0.0")} %</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 12}\">{Esc(label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"burn-track\" x=\"{labelWidth}\" y=\"{y}\" width=\"{X(100m) - labelWidth}\" height=\"14\"></rect>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"burn-bar{(l.PlannedPercent is { } p && burn > p ? " over" : "")}\" x=\"{labelWidth}\" y=\"{y + 2}\" width=\"{X(burn) - labelWidth}\" height=\"10\"></rect>");
            if (l.PlannedPercent is { } planned)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<line class=\"plan-mark\" x1=\"{X(planned)}\" x2=\"{X(planned)}\" y1=\"{y - 2}\" y2=\"{y + 16}\"></line>");
            }

            if (l.EarnedPercent is { } earned)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<line class=\"earned-mark\" x1=\"{X(earned)}\" x2=\"{X(earned)}\" y1=\"{y - 2}\" y2=\"{y + 16}\"></line>");
            }

            if (cut)
            {
                var end = X(scaleMax);
                sb.Append(CultureInfo.InvariantCulture, $"<path class=\"burn-break\" d=\"M{end - 14} {y + 15} l5 -16 M{end - 8} {y + 15} l5 -16\"></path>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + barArea + 6}\" y=\"{y + 12}\">{Num(l.BurnPercent, "0")} %{(cut ? " ▸" : "")}</text>");
            sb.Append("</g>\n");
        }

        if (rows.Count == 0)
        {
            sb.Append("<text x=\"0\" y=\"16\">No project with a budget.</text>\n");
        }

        var axisY = 8 + Math.Max(1, rows.Count) * rowHeight;
        foreach (var tick in new[] { 0m, 50m, 100m, 150m })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(tick)}\" y=\"{axisY + 12}\" text-anchor=\"middle\">{tick:0} %</text>\n");
        }

        sb.Append("</svg></figure>\n");
    }

    private static void Totals(StringBuilder sb, BudgetReport report)
    {
        sb.Append("<h2>Totals per currency</h2>\n<table class=\"totals\">\n<thead><tr><th>Currency</th><th class=\"num\">Lines</th><th class=\"num\">Sold</th><th class=\"num\">Budget</th><th class=\"num\">AC</th><th class=\"num\">EAC</th><th class=\"num\">VAC</th><th class=\"num\">Forecast margin</th><th class=\"num\">EAC at budgeted rate</th><th class=\"num\">Without EAC</th><th class=\"num\">Flagged</th></tr></thead>\n<tbody>\n");
        foreach (var t in report.Totals)
        {
            sb.Append("<tr><td>").Append(Esc(t.Currency)).Append("</td>")
                .Append(NumCell(t.Lines)).Append(MoneyCell(t.Sold)).Append(MoneyCell(t.Budget)).Append(MoneyCell(t.Ac))
                .Append(MoneyCell(t.Eac)).Append(MoneyCell(t.Vac)).Append(MoneyCell(t.ForecastMargin))
                .Append(NumCell(t.LinesEacAtBudgetRate)).Append(NumCell(t.LinesWithoutEac)).Append(NumCell(t.FlaggedLines)).Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
    }

    private static void Footnotes(StringBuilder sb, BudgetReport report)
    {
        foreach (var note in Notes(report))
        {
            sb.Append("<p class=\"footnote\">").Append(Esc(note)).Append("</p>\n");
        }
    }

    private static void Lines(StringBuilder sb, BudgetReport report)
    {
        sb.Append("<h2>Projects and won deals</h2>\n<table class=\"lines\">\n<thead><tr><th>Project</th><th>Client</th><th>RAG</th><th>Cur.</th><th class=\"num\">Sold</th><th class=\"num\">Budget</th><th class=\"num\">AC</th><th class=\"num\">EAC</th><th class=\"num\">VAC</th><th class=\"num\">Margin</th><th class=\"num\">Margin %</th><th>Flags</th></tr></thead>\n<tbody>\n");
        foreach (var l in report.Lines)
        {
            sb.Append("<tr class=\"line\"><td>");
            if (l.ProjectCode is not null)
            {
                sb.Append("<strong>").Append(Esc(l.ProjectCode)).Append("</strong> ");
            }

            sb.Append(Esc(l.Name));
            if (l.Kind == BudgetLineKind.WonDealWithoutProject)
            {
                sb.Append(" <span class=\"detail\">(won deal, no project)</span>");
            }

            sb.Append("</td><td>").Append(Esc(l.Client)).Append("</td><td>");
            if (l.Rag is { } rag)
            {
                sb.Append("<span class=\"badge ").Append(rag.Name()).Append("\">").Append(rag.Name()).Append("</span>");
            }

            sb.Append("</td><td>").Append(Esc(l.Currency)).Append("</td>")
                .Append(MoneyCell(l.Sold)).Append(MoneyCell(l.Budget)).Append(MoneyCell(l.Ac)).Append(MoneyCell(l.Eac))
                .Append(MoneyCell(l.Vac)).Append(MoneyCell(l.ForecastMargin))
                .Append("<td class=\"num\">").Append(l.ForecastMarginPercent is { } mp ? Esc(Num(mp, "0.0")) + " %" : "—").Append("</td><td>");
            foreach (var f in l.Flags)
            {
                sb.Append("<span class=\"flag\">").Append(Esc(f.Code())).Append("</span>");
            }

            if (l.Detail.Length > 0)
            {
                sb.Append("<div class=\"detail\">").Append(Esc(l.Detail)).Append("</div>");
            }

            sb.Append("</td></tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
    }

    private static void Legend(StringBuilder sb)
    {
        sb.Append("<h2>Flags</h2>\n<ul class=\"legend\">\n");
        foreach (var f in Enum.GetValues<BudgetFlag>())
        {
            sb.Append("<li><span class=\"flag\">").Append(Esc(f.Code())).Append("</span> ").Append(Esc(f.Description())).Append("</li>\n");
        }

        sb.Append("</ul>\n");
    }

    private static string MoneyCell(decimal? value) => value is { } v
        ? $"<td class=\"num{(v < 0m ? " neg" : "")}\">{Esc(v.ToString("#,0.00", CultureInfo.InvariantCulture))}</td>"
        : "<td class=\"num\">—</td>";

    private static string NumCell(int value) => $"<td class=\"num\">{value.ToString(CultureInfo.InvariantCulture)}</td>";

    private static string Basis(EacBasis basis) => basis switch
    {
        EacBasis.Cpi => "cpi",
        EacBasis.BudgetRate => "budget-rate",
        _ => "",
    };

    private static string Kind(BudgetLineKind kind) => kind == BudgetLineKind.Project ? "project" : "won-deal-without-project";

    private static void Number(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
