using System.Globalization;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Worker.Cycle;

/// <summary>The summary a cycle prints.</summary>
internal static class CycleText
{
    public static string Render(CycleReport report)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(report.Pull.DryRun ? "pull (dry run: nothing written):" : "pull:");
        w.WriteLine($"  {"object",-10} {"seen",8} {"created",8} {"updated",8} {"same",8} {"archived",8} {"restored",8} {"failing",8} {"links",7} {"pages",6} {"calls",6}");
        foreach (var o in report.Pull.Objects)
        {
            w.WriteLine($"  {o.Kind.ToString().ToLowerInvariant(),-10} {o.Seen,8} {o.Created,8} {o.Updated,8} {o.Unchanged,8} {o.Archived,8} {o.Restored,8} {o.Failing,8} {o.LinksChanged,7} {o.Pages,6} {o.Calls,6}");
            foreach (var (field, count) in o.FieldChanges.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                w.WriteLine($"      {field}: {count} change{(count == 1 ? "" : "s")}");
            }

            foreach (var issue in o.Issues)
            {
                w.WriteLine($"      {issue.Status.Name()} {issue.Id}: {issue.Reason}");
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

        return w.ToString();
    }
}
