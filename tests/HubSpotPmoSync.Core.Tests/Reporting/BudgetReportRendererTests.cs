using System.Text.Json;
using HubSpotPmoSync.Core.Reporting;

namespace HubSpotPmoSync.Core.Tests.Reporting;

public sealed class BudgetReportRendererTests
{
    [Fact]
    public void Html_SelfContained_NoScriptsLinksFontsOrImages()
    {
        var html = BudgetReportRenderer.Html(SampleReports.Budget());

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_EscapesEveryText()
    {
        var html = BudgetReportRenderer.Html(SampleReports.Budget(), title: "Q1 <b>report</b>");

        Assert.DoesNotContain(SampleReports.HostileName, html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;", html, StringComparison.Ordinal);
        Assert.Contains("<title>Q1 &lt;b&gt;report&lt;/b&gt;</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_ShowsEveryLineAndTotal()
    {
        var report = SampleReports.Budget();

        var html = BudgetReportRenderer.Html(report);

        Assert.Equal(report.Lines.Count, html.Split("<tr class=\"line\">").Length - 1);
        Assert.Contains("<td>EUR</td><td class=\"num\">5</td><td class=\"num\">28,000.00</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_HeaderLinesTotals_FormulaTextNeutralised()
    {
        var report = SampleReports.Budget();

        var csv = BudgetReportRenderer.Csv(report);

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TextFormat.CsvByteOrderMark + string.Join(',', BudgetReportRenderer.CsvColumns), rows[0]);
        Assert.Equal(1 + report.Lines.Count + report.Totals.Count + BudgetReportRenderer.Notes(report).Count, rows.Length);
        Assert.StartsWith("total,,,,EUR,,28000.00,30000.00,19200.00,32770.56,-2770.56,1380.96,", rows[1 + report.Lines.Count], StringComparison.Ordinal);
        Assert.Contains("\"<script>alert('x')</script> & \"\"Co\"\"\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_TextStartingLikeAFormula_GetsApostrophe()
    {
        Assert.Equal("'=SUM(A1)", TextFormat.CsvText("=SUM(A1)"));
        Assert.Equal("'-1+2", TextFormat.CsvText("-1+2"));
        Assert.Equal("\"'@x,y\"", TextFormat.CsvText("@x,y"));
        Assert.Equal("plain", TextFormat.CsvText("plain"));
    }

    [Fact]
    public void Json_TotalsEqualSumOfLinesPerCurrency()
    {
        using var doc = JsonDocument.Parse(BudgetReportRenderer.Json(SampleReports.Budget()));

        var lines = doc.RootElement.GetProperty("lines").EnumerateArray().ToList();
        foreach (var total in doc.RootElement.GetProperty("totals").EnumerateArray())
        {
            var currency = total.GetProperty("currency").GetString();
            var sum = lines.Where(l => l.GetProperty("currency").GetString() == currency)
                .Sum(l => l.GetProperty("eac").ValueKind == JsonValueKind.Null ? 0m : l.GetProperty("eac").GetDecimal());
            Assert.Equal(sum, total.GetProperty("eac").GetDecimal());
        }

        Assert.Equal(2, doc.RootElement.GetProperty("ragCounts").GetProperty("green").GetInt32());
        Assert.Equal("won-deal-without-project", lines[^1].GetProperty("flags")[0].GetString());
    }

    /// <summary>Issue 17: the CSV had no UTF-8 byte order mark, so Excel read the en dashes of deal names as garbage.</summary>
    [Fact]
    public void Csv_StartsWithUtf8ByteOrderMark()
    {
        var csv = BudgetReportRenderer.Csv(SampleReports.Budget());

        Assert.Equal('\uFEFF', csv[0]);
        Assert.StartsWith("kind,", csv[1..], StringComparison.Ordinal);
        Assert.Equal([0xEF, 0xBB, 0xBF], System.Text.Encoding.UTF8.GetBytes(csv)[..3]);
    }

    /// <summary>Issue 17: the totals must say how they are consistent (VAC = Budget − EAC), in every format.</summary>
    [Fact]
    public void CsvJsonHtml_TotalsFootnote_SaysVacIsBudgetMinusEacAndHowEacIsForecast()
    {
        var report = SampleReports.Budget();

        var csv = BudgetReportRenderer.Csv(report);
        using var json = JsonDocument.Parse(BudgetReportRenderer.Json(report));
        var html = BudgetReportRenderer.Html(report);

        var note = string.Join("\n", csv.Split("\r\n").Where(r => r.StartsWith("note,", StringComparison.Ordinal)));
        Assert.Contains("VAC = Budget − EAC", note, StringComparison.Ordinal);
        Assert.Contains("AC + (BAC − EV)", note, StringComparison.Ordinal);
        Assert.Equal(BudgetReportRenderer.Notes(report).Count, note.Split('\n').Length);
        var notes = json.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(notes, n => n.Contains("VAC = Budget − EAC", StringComparison.Ordinal));
        Assert.Contains("<p class=\"footnote\">", html, StringComparison.Ordinal);
        Assert.Contains("VAC = Budget − EAC", html, StringComparison.Ordinal);
        Assert.Contains("deal-not-won", html, StringComparison.Ordinal);
    }

    /// <summary>Issue 17: a 174 % burn bar was cut at the 150 % axis without a mark.</summary>
    [Fact]
    public void Html_BurnAboveTheAxis_BarCutWithABreakMarkAndItsRealValue()
    {
        var report = SampleReports.Budget();
        var over = report.Lines.First(l => l.Kind == BudgetLineKind.Project && l.Budget is > 0m);
        var cut = over with { Ac = over.Budget!.Value * 1.74m, BurnPercent = 174m };
        var inside = report.Lines.Where(l => l.Kind == BudgetLineKind.Project && l.Budget is > 0m && l != over).ToList();
        report = report with { Lines = [cut, .. inside] };

        var html = BudgetReportRenderer.Html(report);

        var rows = html.Split("<g class=\"burn-row", StringSplitOptions.None)[1..];
        Assert.Equal(1 + inside.Count, rows.Length);
        Assert.StartsWith(" cut\">", rows[0], StringComparison.Ordinal);
        Assert.Contains("class=\"burn-break\"", rows[0], StringComparison.Ordinal);
        Assert.Contains(">174 % ▸</text>", rows[0], StringComparison.Ordinal);
        Assert.All(rows[1..], r => Assert.DoesNotContain("burn-break", r, StringComparison.Ordinal));
    }
}
