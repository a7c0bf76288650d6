using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Worker.Cli;
using Spectre.Console;

namespace HubSpotPmoSync.Worker.Progress;

/// <summary>
/// Shows a sync's progress per object — pass, records, pages, calls and rate. On a terminal it is a live Spectre.Console
/// display; when output is redirected (CI, cron, pipes) it prints a plain line when an object changes pass and at most
/// every few seconds, to standard error, so standard output keeps only the command's result.
/// </summary>
internal static class SyncProgressDisplay
{
    public static async Task<T> RunAsync<T>(CommandEnvironment env, IReadOnlyCollection<EntityKind> kinds, Func<IProgress<SyncProgress>, Task<T>> work)
    {
        var interactive = ReferenceEquals(env.Output, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected
            && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            return await work(new PlainProgress(env.Error));
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = kinds.ToDictionary(k => k, k => ctx.AddTask(Describe(k, null), autoStart: false, maxValue: 1));
                result = await work(new LiveProgress(tasks));
                foreach (var t in tasks.Values)
                {
                    t.Value = t.MaxValue;
                    t.StopTask();
                }
            });
        return result;
    }

    internal static string Describe(EntityKind kind, SyncProgress? p)
    {
        if (p is null)
        {
            return $"{kind.Plural(),-9} waiting";
        }

        var rate = p.Elapsed.TotalSeconds > 0 ? p.Records / p.Elapsed.TotalSeconds : 0;
        var phase = p.Phase switch
        {
            SyncPhase.List => "listing",
            SyncPhase.ArchivedSweep => "archived",
            SyncPhase.Fast => "fast pass",
            SyncPhase.Settle => "settle",
            _ => "done",
        };

        // At most 66 characters: with the spinner and the elapsed time the live line fits 80 columns, and never wraps
        // (a wrapped line breaks the live redraw).
        return string.Create(CultureInfo.InvariantCulture, $"{kind.Plural(),-9} {phase,-9} {p.Records,9:N0} rec {p.Pages,6:N0} pg {p.Calls,6:N0} calls {rate,7:N0}/s");
    }

    private sealed class LiveProgress(Dictionary<EntityKind, ProgressTask> tasks) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            if (!tasks.TryGetValue(value.Kind, out var task))
            {
                return;
            }

            if (!task.IsStarted)
            {
                task.StartTask();
            }

            task.Description = Markup.Escape(Describe(value.Kind, value));
            if (value.Phase == SyncPhase.Done)
            {
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }

    private sealed class PlainProgress(TextWriter error) : IProgress<SyncProgress>
    {
        private readonly Dictionary<EntityKind, (SyncPhase Phase, TimeSpan At)> _last = [];

        public void Report(SyncProgress value)
        {
            var changed = !_last.TryGetValue(value.Kind, out var last) || last.Phase != value.Phase;
            if (changed || value.Elapsed - last.At >= TimeSpan.FromSeconds(5))
            {
                _last[value.Kind] = (value.Phase, value.Elapsed);
                error.WriteLine(Describe(value.Kind, value));
            }
        }
    }
}
