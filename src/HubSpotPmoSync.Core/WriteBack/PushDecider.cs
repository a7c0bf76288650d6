namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>What to do with one desired value.</summary>
public enum PushAction
{
    /// <summary>HubSpot already holds the value (including the echo of the worker's own push): nothing to write.</summary>
    None,

    /// <summary>Write the value.</summary>
    Push,

    /// <summary>A conflict resolved for HubSpot's value: nothing to write.</summary>
    KeepHubSpot,

    /// <summary>
    /// HubSpot rejected this very value (it is in the dead letters): not sent again until <c>dlq replay</c> moves it
    /// back or the desired value changes, so a poison value costs one rejected write, not one every cycle.
    /// </summary>
    HoldRejected,
}

/// <summary>The decision for one desired value.</summary>
/// <param name="Current">HubSpot's value as far as the worker knows (null when unknown or empty).</param>
/// <param name="IsConflict">HubSpot holds a value someone else put there that differs from the desired one.</param>
/// <param name="Reason">Why, in words, for the audit log and plans.</param>
public sealed record PushDecision(PushAction Action, string? Current, bool IsConflict, string Reason)
{
    /// <summary>The audit decision name, or null when nothing is audited (no change).</summary>
    public string? AuditDecision => Action switch
    {
        PushAction.Push => IsConflict ? AuditDecisions.OverwroteHubSpot : AuditDecisions.Pushed,
        PushAction.KeepHubSpot => AuditDecisions.KeptHubSpot,
        _ => null,
    };
}

/// <summary>
/// Decides whether a desired value must be written, from what HubSpot was last seen to hold and what the worker
/// last pushed. Pure: the outbox flush and the dry-run plan both use it, so the plan shows what the run does.
/// </summary>
/// <remarks>
/// HubSpot's current value is the newer of the last observation (by the time the value last changed in HubSpot)
/// and the last push (by the time it was pushed). It is someone else's value — a conflict — when it came from an
/// observation and differs from what the worker pushed; the echo of the worker's own push is therefore never a
/// conflict, and a stale pull (an observation older than the push) never masks a push. An empty value nobody
/// wrote is not a conflict either: there is nothing to overwrite.
/// </remarks>
public static class PushDecider
{
    public static PushDecision Decide(OutboundChange change, PropertyState? state)
    {
        ArgumentNullException.ThrowIfNull(change);
        state ??= PropertyState.Unknown;
        var decision = DecideOnValues(change, state);
        return decision.Action == PushAction.Push && state.HasRejected && WriteBackValues.AreEqual(state.RejectedValue, change.Value)
            ? decision with { Action = PushAction.HoldRejected, Reason = "HubSpot rejected this value (a dead letter): held until 'dlq replay' or a new value" }
            : decision;
    }

    private static PushDecision DecideOnValues(OutboundChange change, PropertyState state)
    {
        bool known;
        bool foreign;
        string? current;
        if (state.HasObserved && state.HasPushed)
        {
            var observationIsNewer = state.ObservedChangedAt >= state.PushedAt;
            current = observationIsNewer ? state.ObservedValue : state.PushedValue;
            foreign = observationIsNewer && !WriteBackValues.AreEqual(state.ObservedValue, state.PushedValue);
            known = true;
        }
        else if (state.HasObserved)
        {
            current = state.ObservedValue;
            foreign = !string.IsNullOrEmpty(state.ObservedValue);
            known = true;
        }
        else if (state.HasPushed)
        {
            current = state.PushedValue;
            foreign = false;
            known = true;
        }
        else
        {
            current = null;
            foreign = false;
            known = false;
        }

        if (known && WriteBackValues.AreEqual(current, change.Value))
        {
            return new PushDecision(PushAction.None, current, false, "unchanged");
        }

        if (!foreign)
        {
            return new PushDecision(PushAction.Push, current, false, known ? "changed" : "not yet seen in HubSpot");
        }

        return change.Policy switch
        {
            ConflictPolicy.LocalWins => new PushDecision(PushAction.Push, current, true, "local-wins: the local value overwrites HubSpot's"),
            ConflictPolicy.HubSpotWins => new PushDecision(PushAction.KeepHubSpot, current, true, "hubspot-wins: HubSpot's value is kept"),
            ConflictPolicy.NewestWins when state.ObservedChangedAt is { } hubSpotChangedAt && change.ChangedAt > hubSpotChangedAt =>
                new PushDecision(
                    PushAction.Push,
                    current,
                    true,
                    $"newest-wins: local change {Format(change.ChangedAt)} is newer than HubSpot's {Format(hubSpotChangedAt)}"),
            ConflictPolicy.NewestWins => new PushDecision(
                PushAction.KeepHubSpot,
                current,
                true,
                $"newest-wins: HubSpot's change {Format(state.ObservedChangedAt)} is not older than the local {Format(change.ChangedAt)}"),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change.Policy, "Unknown conflict policy."),
        };
    }

    private static string Format(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
}

/// <summary>
/// Recognises the worker's own writes when a pull brings them back, so the inbound sync changes nothing locally.
/// </summary>
public static class EchoSuppression
{
    /// <summary>Whether a pulled value is the echo of the worker's last push of that property.</summary>
    public static bool IsEcho(string? pulledValue, PropertyState? state) =>
        state is { HasPushed: true } && WriteBackValues.AreEqual(pulledValue, state.PushedValue);

    /// <summary>
    /// The properties of a pulled record that someone else changed: the value differs from the previous
    /// observation and is not the echo of the worker's own push. Call it before recording the observation.
    /// </summary>
    public static IReadOnlyList<string> ForeignChanges(
        ObservedRecord pulled, IReadOnlyDictionary<PropertyKey, PropertyState> states)
    {
        ArgumentNullException.ThrowIfNull(pulled);
        ArgumentNullException.ThrowIfNull(states);
        var changed = new List<string>();
        foreach (var (property, value) in pulled.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            states.TryGetValue(new PropertyKey(pulled.ObjectType, pulled.RecordId, property), out var state);
            if (IsEcho(value, state))
            {
                continue;
            }

            if (state is { HasObserved: true } && WriteBackValues.AreEqual(value, state.ObservedValue))
            {
                continue;
            }

            changed.Add(property);
        }

        return changed;
    }
}
