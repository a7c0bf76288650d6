using System.Text.RegularExpressions;
using HubSpotPmoSync.Core.Reporting;

namespace HubSpotPmoSync.Core.Tests.Reporting;

/// <summary>The HTML budget report rendered by a real browser: no console errors, the charts are there.</summary>
public sealed partial class BudgetReportChromiumTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-report-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Html_OpenedInHeadlessChromium_NoConsoleMessagesAndChartsCounted()
    {
        var report = SampleReports.Budget();
        var path = Path.Combine(_dir.FullName, "budget-report.html");
        File.WriteAllText(path, BudgetReportRenderer.Html(report));

        var (dom, console) = ChromiumRunner.Open(path);

        Assert.Empty(console);
        Assert.Equal(2, Count(dom, "<svg"));
        Assert.Equal(1, Count(dom, "class=\"chart chart-rag\""));
        Assert.Equal(1, Count(dom, "class=\"chart chart-burn\""));
        Assert.Equal(4, RagBar().Count(dom));
        Assert.Equal(SampleReports.ProjectsWithBudget, Count(dom, "<g class=\"burn-row\">"));
        Assert.Equal(report.Lines.Count, Count(dom, "<tr class=\"line\">"));
        Assert.Equal(0, Count(dom, "<script"));
        Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"Co\"", dom, StringComparison.Ordinal);
    }

    [Fact]
    public void ChromiumRunner_PageWithScriptError_ConsoleErrorDetected()
    {
        // Proves the check above can fail: the same runner sees a script error on a page that has one.
        var path = Path.Combine(_dir.FullName, "broken.html");
        File.WriteAllText(path, "<!DOCTYPE html><html><body><svg></svg><script>console.error('boom'); missingFunction();</script></body></html>");

        var (dom, console) = ChromiumRunner.Open(path);

        Assert.Contains(console, l => l.Contains("\"boom\"", StringComparison.Ordinal));
        Assert.Contains(console, l => l.Contains("missingFunction is not defined", StringComparison.Ordinal));
        Assert.Equal(1, Count(dom, "<svg"));
    }

    [Fact]
    public void ChromiumRunner_ExternalResource_BlockedByTheReportPolicyAndReported()
    {
        // The report's content security policy forbids loading anything; a violation shows on the console.
        var html = BudgetReportRenderer.Html(SampleReports.Budget()).Replace("</body>", "<img src=\"http://127.0.0.1:9/x.png\"></body>", StringComparison.Ordinal);
        var path = Path.Combine(_dir.FullName, "external.html");
        File.WriteAllText(path, html);

        var (_, console) = ChromiumRunner.Open(path);

        Assert.Contains(console, l => l.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    [GeneratedRegex("<rect class=\"rag-bar rag-(green|amber|red|unknown)\"")]
    private static partial Regex RagBar();
}
