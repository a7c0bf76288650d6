namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>
/// Dates the values a cycle wants to write: <see cref="OutboundChange.ChangedAt"/> becomes the time the local value
/// last <em>changed</em>, not the time it was computed, so <see cref="ConflictPolicy.NewestWins"/> compares a
/// person's edit in HubSpot with the last real change of the local value. Pure: the run and the dry-run plan stamp
/// the same values from the same state.
/// </summary>
public static class DesiredValues
{
    /// <summary>
    /// The changes with <see cref="OutboundChange.ChangedAt"/> set from what the store knows
    /// (<see cref="Since"/>); <paramref name="now"/> for a value that is new or changed.
    /// </summary>
    public static List<OutboundChange> Stamp(
        IEnumerable<OutboundChange> changes, IReadOnlyDictionary<PropertyKey, PropertyState> states, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(states);
        return changes.Select(c => c with { ChangedAt = Since(c.Value, states.GetValueOrDefault(c.Key), now) }).ToList();
    }

    /// <summary>
    /// When the local value <paramref name="value"/> of a property last changed:
    /// <list type="bullet">
    /// <item>the desired value the store keeps is the same → its since-when;</item>
    /// <item>no desired value kept yet (a database from before migration 0005, or a property enqueued for the first
    /// time) → the time the worker pushed this same value, else the time HubSpot was seen to take this same value;
    /// the local value held at least since then, and a person's later edit stays newer;</item>
    /// <item>otherwise the value is new or changed: <paramref name="now"/>.</item>
    /// </list>
    /// Never later than <paramref name="now"/>.
    /// </summary>
    public static DateTimeOffset Since(string? value, PropertyState? state, DateTimeOffset now)
    {
        var since = state switch
        {
            null => null,
            { HasDesired: true } => WriteBackValues.AreEqual(state.DesiredValue, value) ? state.DesiredSince : null,
            { HasPushed: true } when WriteBackValues.AreEqual(state.PushedValue, value) => state.PushedAt,
            { HasObserved: true } when WriteBackValues.AreEqual(state.ObservedValue, value) => state.ObservedChangedAt,
            _ => null,
        };

        return since is { } at && at < now ? at : now;
    }
}
