namespace HubSpotPmoSync.Core.Sync.Completeness;

/// <summary>
/// The completeness check of every incremental cycle (configuration section <c>Sync</c>, beside <see cref="SyncOptions"/>):
/// what finds archives, restores, merges and link-only changes, none of which moves a record's modification time.
/// </summary>
public sealed class CompletenessOptions
{
    /// <summary>
    /// Calls a cycle may spend on the check. A portal whose whole check costs at most this is checked whole in every
    /// cycle; a larger one is checked in a rolling slice, at least as large as <see cref="CompletenessWindow"/> needs.
    /// </summary>
    /// <value>The default value is 50.</value>
    public int CompletenessBudget { get; set; } = 50;

    /// <summary>The time within which every record of a portal too large for the budget has been checked once.</summary>
    /// <value>The default value is 1 hour (<c>01:00:00</c>).</value>
    public TimeSpan CompletenessWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every problem with the options, naming the setting (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CompletenessBudget < 0)
        {
            errors.Add("Sync:CompletenessBudget must not be negative (calls a cycle may spend on the completeness check).");
        }

        if (CompletenessWindow < TimeSpan.FromMinutes(1))
        {
            errors.Add("Sync:CompletenessWindow must be at least 00:01:00 (the time within which every record is checked).");
        }

        return errors;
    }
}
