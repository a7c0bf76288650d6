using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Rollups;
using static HubSpotPmoSync.Core.Reporting.TextFormat;

namespace HubSpotPmoSync.Core.Reporting;

/// <summary>Renders the health report as a console table, JSON or CSV. Pure: returns the text.</summary>
public static class HealthReportRenderer
{
    /// <summary>The CSV columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "project_id", "project_code", "project_name", "client", "status", "rag", "score", "trend", "top_reason", "currency",
        "bac", "pv", "ev", "ac", "cpi", "spi", "eac", "etc", "vac", "tcpi",
        "schedule_score", "budget_score", "tickets_score", "staleness_score",
    ];

    /// <summary>
    /// A fixed-width table: project, client, RAG, score, trend, top reason, CPI, SPI, and EAC against budget.
    /// </summary>
    public static string Table(HealthReport report, int reasonWidth = 60)
    {
        ArgumentNullException.ThrowIfNull(report);
        var header = TableHeader.ToArray();
        var rows = TableCells(report).Select(r => r.ToArray()).ToList();

        for (var i = 0; i < rows.Count; i++)
        {
            rows[i][0] = Truncate(rows[i][0], 36);
            rows[i][1] = Truncate(rows[i][1], 24);
            rows[i][5] = Truncate(rows[i][5], reasonWidth);
        }

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var numeric = new[] { false, false, false, true, false, false, true, true, true };
        var sb = new StringBuilder();
        sb.Append("Portfolio health as of ").Append(Date(report.AsOf)).Append('\n');
        Line(sb, header, widths, numeric);
        sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var r in rows)
        {
            Line(sb, r, widths, numeric);
        }

        sb.Append(TableFooter(report)).Append('\n');
        return sb.ToString();
    }

    /// <summary>The table's columns: project, client, RAG, score, trend, top reason, CPI, SPI, EAC against budget.</summary>
    public static IReadOnlyList<string> TableHeader { get; } = ["Project", "Client", "RAG", "Score", "Trend", "Top reason", "CPI", "SPI", "EAC / Budget"];

    /// <summary>
    /// The table's cells per project, in <see cref="TableHeader"/>'s order, as printed and not shortened (a console
    /// lays them out to its width).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> TableCells(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Rows.Select(r => (IReadOnlyList<string>)
        [
            r.ProjectCode + " " + r.ProjectName,
            r.Client,
            r.Rag.Name(),
            Num(r.Score, "0.0"),
            r.Trend.Name(),
            r.TopReason,
            Num(r.Cpi, "0.00"),
            Num(r.Spi, "0.00"),
            r.Bac is null ? "no budget" : $"{(r.Eac is null ? "—" : Num(r.Eac, "#,0"))} / {Num(r.Bac, "#,0")} {r.Currency}",
        ]).ToList();
    }

    /// <summary>The line under the table: how many projects, by RAG.</summary>
    public static string TableFooter(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var counts = report.Rows.GroupBy(r => r.Rag).ToDictionary(g => g.Key, g => g.Count());
        return $"{report.Rows.Count} projects: {counts.GetValueOrDefault(Rag.Green)} green, {counts.GetValueOrDefault(Rag.Amber)} amber, "
            + $"{counts.GetValueOrDefault(Rag.Red)} red, {counts.GetValueOrDefault(Rag.Unknown)} unknown";
    }

    /// <summary>
    /// JSON: <c>{"asOf", "projects": [...], "deals": [...], "companies": [...]}</c>, money rounded to the cent,
    /// indices to two decimals (the values pushed to HubSpot); null where a figure is unknown.
    /// </summary>
    public static string Json(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("asOf", Date(report.AsOf));
            w.WriteStartArray("projects");
            foreach (var r in report.Rows)
            {
                w.WriteStartObject();
                w.WriteString("projectId", r.ProjectId);
                w.WriteString("projectCode", r.ProjectCode);
                w.WriteString("projectName", r.ProjectName);
                w.WriteString("client", r.Client);
                w.WriteString("status", r.Status);
                w.WriteString("rag", r.Rag.Name());
                Number(w, "score", r.Score);
                w.WriteString("trend", r.Trend.Name());
                w.WriteString("topReason", r.TopReason);
                w.WriteString("currency", r.Currency);
                Number(w, "bac", r.Bac);
                Number(w, "pv", r.Pv);
                Number(w, "ev", r.Ev);
                Number(w, "ac", r.Ac);
                Number(w, "cpi", r.Cpi);
                Number(w, "spi", r.Spi);
                Number(w, "eac", r.Eac);
                Number(w, "etc", r.Etc);
                Number(w, "vac", r.Vac);
                Number(w, "tcpi", r.Tcpi);
                w.WriteStartArray("factors");
                foreach (var f in r.Factors)
                {
                    w.WriteStartObject();
                    w.WriteString("factor", f.Factor.Name());
                    w.WriteBoolean("hasData", f.HasData);
                    Number(w, "subScore", Money.RoundPercent(f.SubScore));
                    Number(w, "weight", f.Weight);
                    Number(w, "effectiveWeight", Math.Round(f.EffectiveWeight, 3, MidpointRounding.AwayFromZero));
                    Number(w, "contribution", Money.RoundPercent(f.Contribution));
                    w.WriteString("reason", f.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("deals");
            foreach (var d in report.Rollups.Deals)
            {
                w.WriteStartObject();
                w.WriteString("dealId", d.DealId);
                w.WriteString("dealName", d.DealName);
                w.WriteNumber("projectCount", d.ProjectCount);
                w.WriteString("worstRag", d.WorstRag.Name());
                Number(w, "lowestScore", d.LowestScore);
                Totals(w, d.Totals);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("companies");
            foreach (var c in report.Rollups.Companies)
            {
                w.WriteStartObject();
                w.WriteString("companyId", c.CompanyId);
                w.WriteString("companyName", c.CompanyName);
                w.WriteNumber("activeProjects", c.ActiveProjects);
                w.WriteNumber("atRiskProjects", c.AtRiskProjects);
                w.WriteNumber("dealCount", c.DealCount);
                w.WriteString("worstRag", c.WorstRag.Name());
                Number(w, "lowestScore", c.LowestScore);
                Totals(w, c.Totals);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>
    /// CSV with the <see cref="CsvColumns"/> header, one row per project, CRLF line ends, after a UTF-8 byte order mark
    /// (so that a spreadsheet reads the text as UTF-8).
    /// </summary>
    public static string Csv(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append(CsvByteOrderMark);
        CsvLine(sb, CsvColumns);
        foreach (var r in report.Rows)
        {
            string Sub(HealthFactor f) => Num(Money.RoundPercent(r.Factors.FirstOrDefault(x => x.Factor == f)?.SubScore), "0.0");
            CsvLine(sb,
            [
                CsvText(r.ProjectId), CsvText(r.ProjectCode), CsvText(r.ProjectName), CsvText(r.Client), CsvText(r.Status),
                r.Rag.Name(), Num(r.Score, "0.0"), r.Trend.Name(), CsvText(r.TopReason), CsvText(r.Currency),
                Num(r.Bac), Num(r.Pv), Num(r.Ev), Num(r.Ac), Num(r.Cpi, "0.00"), Num(r.Spi, "0.00"),
                Num(r.Eac), Num(r.Etc), Num(r.Vac), Num(r.Tcpi, "0.00"),
                Sub(HealthFactor.Schedule), Sub(HealthFactor.Budget), Sub(HealthFactor.Tickets), Sub(HealthFactor.Staleness),
            ]);
        }

        return sb.ToString();
    }

    private static void Totals(Utf8JsonWriter w, IReadOnlyList<CurrencyTotals> totals)
    {
        w.WriteStartArray("totals");
        foreach (var t in totals)
        {
            w.WriteStartObject();
            w.WriteString("currency", t.Currency);
            w.WriteNumber("projects", t.Projects);
            w.WriteNumber("budget", t.Budget);
            w.WriteNumber("eac", t.Eac);
            w.WriteNumber("vac", t.Vac);
            w.WriteNumber("projectsWithoutEac", t.ProjectsWithoutEac);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

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

    private static void Line(StringBuilder sb, string[] cells, int[] widths, bool[] numeric)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                sb.Append("  ");
            }

            sb.Append(numeric[i] ? cells[i].PadLeft(widths[i]) : i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
        }

        sb.Append('\n');
    }
}
