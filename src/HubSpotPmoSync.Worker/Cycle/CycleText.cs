using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Cycle;

/// <summary>
/// The summary a cycle prints, at <c>width</c> columns: the pull's table laid out by Spectre.Console (below
/// <see cref="Narrow"/> columns without pages and calls, which the summary line repeats), every other line wrapped.
/// </summary>
internal static class CycleText
{
    /// <summary>Below this width the pull table leaves out its pages and calls columns.</summary>
    public const int Narrow = 100;

    public static string Render(CycleReport report, int width = ConsoleText.Unbounded)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(report.Pull.DryRun ? "pull (dry run: nothing written):" : "pull:");
        var header = new List<string> { "object", "seen", "created", "updated", "same", "archived", "restored", "failing", "links", "pages", "calls" };
        var keep = width < Narrow ? header.Count - 2 : header.Count;
        var rows = report.Pull.Objects.Select(o => (IReadOnlyList<string>)new[]
        {
            o.Kind.ToString().ToLowerInvariant(),
            N(o.Seen), N(o.Created), N(o.Updated), N(o.Unchanged), N(o.Archived), N(o.Restored), N(o.Failing), N(o.LinksChanged), N(o.Pages), N(o.Calls),
        }.Take(keep).ToList());
        w.Write(ConsoleText.Render(ConsoleText.Table(header.Take(keep).ToList(), header.Take(keep).Select((_, i) => i > 0).ToList(), rows, indent: 2), width));
        foreach (var o in report.Pull.Objects)
        {
            if (o.FieldChanges.Count > 0)
            {
                var changes = o.FieldChanges.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {N(f.Value)}");
                w.WriteLine($"  changed in {o.Kind.Plural()}: {string.Join(", ", changes)}");
            }

            foreach (var issue in o.Issues)
            {
                w.WriteLine($"    {issue.Status.Name()} {o.Kind.ToString().ToLowerInvariant()} {issue.Id}: {issue.Reason}");
            }
        }

        w.WriteLine($"  {report.Pull.Summary()}");
        if (report.Kickoff is { } k)
        {
            w.WriteLine($"kickoff: {k.Created} project{(k.Created == 1 ? "" : "s")} created, {k.Matched} found by code, {k.Associations.Count} links, {k.Failures.Count} failed, {k.WriteCalls} write calls");
            foreach (var (dealId, reason) in k.Failures)
            {
                w.WriteLine($"  deal {dealId}: {reason}");
            }
        }

        if (report.Health is { } health)
        {
            var byRag = health.Projects.GroupBy(p => p.Rag).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
            w.WriteLine($"health: {health.Projects.Count} projects scored as of {health.AsOf:yyyy-MM-dd HH:mm} UTC ({string.Join(", ", byRag)})");
        }

        if (report.Plan is { } plan)
        {
            w.WriteLine("write plan (dry run: nothing written):");
            w.Write(plan.Render());
        }

        if (report.Flush is { } flush)
        {
            w.WriteLine($"push: {report.Enqueued} values checked; {WriteBackText.Summary(flush)}");
        }

        return ConsoleText.Wrap(w.ToString(), width);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
