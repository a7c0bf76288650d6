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

    /// <summary>
    /// The time zone <see cref="ReconcileCron"/> is read in, as an IANA id (<c>Europe/Berlin</c>; Windows ids work on
    /// Windows); empty for the machine's own time zone. A server on UTC can so reconcile at 02:00 where the agency is,
    /// daylight saving time included.
    /// </summary>
    /// <value>The default value is empty: the machine's time zone.</value>
    public string TimeZone { get; set; } = string.Empty;

    /// <summary>The time zone of the cron: <see cref="TimeZone"/>, or the machine's when it is empty.</summary>
    /// <exception cref="TimeZoneNotFoundException">The id is unknown here (the validator reports it at start).</exception>
    public TimeZoneInfo CronTimeZone() =>
        string.IsNullOrWhiteSpace(TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone.Trim());
}

/// <summary>Checks the schedule at start: a period of 10 s or more, a cron that Quartz parses and a known time zone; every failure listed.</summary>
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

        if (!string.IsNullOrWhiteSpace(options.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone.Trim(), out _))
        {
            failures.Add($"Schedule:TimeZone '{options.TimeZone}' is not a time zone this machine knows (an IANA id such as 'Europe/Berlin'; empty for the machine's own).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
