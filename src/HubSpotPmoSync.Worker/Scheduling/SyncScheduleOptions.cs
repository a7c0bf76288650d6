using Microsoft.Extensions.Options;
using Quartz;

namespace HubSpotPmoSync.Worker.Scheduling;

/// <summary>When the long-running worker (<c>run</c>) syncs.</summary>
public sealed class SyncScheduleOptions
{
    /// <summary>The configuration section: <c>Schedule</c>.</summary>
    public const string SectionName = "Schedule";

    /// <summary>The period of the incremental sync cycle (pull, score, push).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan IncrementalEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The full reconcile (lists everything, sweeps archived records), as a Quartz cron expression.</summary>
    /// <value>The default value is <c>0 0 2 * * ?</c> (02:00 every night).</value>
    public string ReconcileCron { get; set; } = "0 0 2 * * ?";
}

/// <summary>Checks the schedule at start: a positive period and a cron that Quartz parses; every failure listed.</summary>
internal sealed class SyncScheduleOptionsValidator : IValidateOptions<SyncScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncScheduleOptions options)
    {
        var failures = new List<string>();
        if (options.IncrementalEvery < TimeSpan.FromSeconds(10))
        {
            failures.Add($"Schedule:IncrementalEvery must be at least 00:00:10 (was {options.IncrementalEvery}).");
        }

        if (string.IsNullOrWhiteSpace(options.ReconcileCron) || !CronExpression.TryParse(options.ReconcileCron, out _))
        {
            failures.Add($"Schedule:ReconcileCron '{options.ReconcileCron}' is not a valid Quartz cron expression (e.g. '0 0 2 * * ?').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
