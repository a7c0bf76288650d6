using System.Globalization;
using System.Text;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>A property write the plan contains, or that a flush applied.</summary>
/// <param name="RecordKey">The HubSpot id, or <c>idProperty:value</c> for records addressed by a unique property.</param>
/// <param name="Before">HubSpot's value as far as the worker knows (null when unknown or empty).</param>
/// <param name="IsConflict">Whether the write resolves a conflict (HubSpot held someone else's value).</param>
public sealed record PlannedUpdate(
    string ObjectType,
    string RecordKey,
    string Property,
    string? Before,
    string? After,
    bool IsConflict,
    string Reason);

/// <summary>A record kickoff creates (by upsert on its unique key).</summary>
/// <param name="Key">The unique value, e.g. the project code.</param>
/// <param name="Detail">Why, e.g. <c>for won deal 123</c>.</param>
public sealed record PlannedCreate(string ObjectType, string Key, IReadOnlyDictionary<string, string?> Properties, string Detail);

/// <summary>A link kickoff creates. <paramref name="FromKey"/> is the record's id, or its unique key when it does not exist yet.</summary>
public sealed record PlannedAssociation(string FromType, string FromKey, string ToType, string ToId);

/// <summary>
/// What a sync run would write to HubSpot: per object type the creates, the updates by field with old → new,
/// the association changes and the conflicts where HubSpot's value is kept. Computed from reads only.
/// </summary>
/// <param name="HeldRejected">Values not sent because HubSpot rejected the same value before (dead letters).</param>
public sealed record WriteBackPlan(
    IReadOnlyList<PlannedCreate> Creates,
    IReadOnlyList<PlannedUpdate> Updates,
    IReadOnlyList<PlannedUpdate> KeptHubSpot,
    IReadOnlyList<PlannedAssociation> Associations,
    int Unchanged,
    int HeldRejected = 0)
{
    public static WriteBackPlan Empty { get; } = new([], [], [], [], 0);

    /// <summary>Whether the run would write nothing.</summary>
    public bool IsEmpty => Creates.Count == 0 && Updates.Count == 0 && Associations.Count == 0;

    /// <summary>The object types the plan touches, in name order.</summary>
    public IReadOnlyList<string> ObjectTypes =>
        Creates.Select(c => c.ObjectType)
            .Concat(Updates.Select(u => u.ObjectType))
            .Concat(KeptHubSpot.Select(u => u.ObjectType))
            .Concat(Associations.Select(a => a.FromType))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The plan as text, one block per object type then the totals (what <c>sync --dry-run</c> prints).</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var objectType in ObjectTypes)
        {
            var creates = Creates.Where(c => c.ObjectType == objectType).ToList();
            var updates = Updates.Where(u => u.ObjectType == objectType).ToList();
            var kept = KeptHubSpot.Where(u => u.ObjectType == objectType).ToList();
            var links = Associations.Where(a => a.FromType == objectType).ToList();
            text.Append(CultureInfo.InvariantCulture, $"{objectType}: {Count(creates.Count, "create")}, ")
                .Append(CultureInfo.InvariantCulture, $"{Count(updates.Count, "update")} on {Count(updates.Select(u => u.RecordKey).Distinct(StringComparer.Ordinal).Count(), "record")}, ")
                .Append(CultureInfo.InvariantCulture, $"{Count(links.Count, "association")}, {Count(kept.Count, "conflict")} kept for HubSpot")
                .Append('\n');

            foreach (var create in creates.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  + create {create.Key} ({create.Detail}): ")
                    .AppendJoin(", ", create.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={WriteBackValues.Display(p.Value)}"))
                    .Append('\n');
            }

            foreach (var field in updates.GroupBy(u => u.Property, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  ~ {field.Key}: {Count(field.Count(), "update")}\n");
                foreach (var update in field.OrderBy(u => u.RecordKey, StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $"      {update.RecordKey}: {WriteBackValues.Display(update.Before)} -> {WriteBackValues.Display(update.After)}");
                    if (update.IsConflict)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"  [conflict, {update.Reason}]");
                    }

                    text.Append('\n');
                }
            }

            foreach (var link in links.OrderBy(l => l.FromKey, StringComparer.Ordinal).ThenBy(l => l.ToType, StringComparer.Ordinal).ThenBy(l => l.ToId, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  <> associate {link.FromType} {link.FromKey} -> {link.ToType} {link.ToId}\n");
            }

            foreach (var conflict in kept.OrderBy(u => u.RecordKey, StringComparer.Ordinal).ThenBy(u => u.Property, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  = keep {conflict.RecordKey}.{conflict.Property}: HubSpot {WriteBackValues.Display(conflict.Before)}, local {WriteBackValues.Display(conflict.After)} [{conflict.Reason}]\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"Total: {Count(Creates.Count, "create")}, {Count(Updates.Count, "property update")} on ")
            .Append(CultureInfo.InvariantCulture, $"{Count(Updates.Select(u => u.ObjectType + "/" + u.RecordKey).Distinct(StringComparer.Ordinal).Count(), "record")}, ")
            .Append(CultureInfo.InvariantCulture, $"{Count(Associations.Count, "association")}, {Count(KeptHubSpot.Count, "conflict")} kept for HubSpot, {Unchanged} unchanged")
            .Append(HeldRejected > 0 ? string.Create(CultureInfo.InvariantCulture, $", {HeldRejected} held as dead letters (rejected before)") : string.Empty)
            .Append('\n');
        return text.ToString();
    }

    private static string Count(int n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? string.Empty : "s");
}

/// <summary>Computes the write-back plan of a sync run without writing anything.</summary>
public static class WriteBackPlanner
{
    /// <summary>
    /// The plan for the pending outbox plus <paramref name="newChanges"/> (values the run would enqueue; they replace
    /// pending values of the same property, as enqueueing does) and the kickoff plan. Reads the store only: give it a
    /// read-only store for a dry run.
    /// </summary>
    public static Task<WriteBackPlan> PlanAsync(
        IWriteBackStore store,
        IReadOnlyList<OutboundChange> newChanges,
        KickoffPlan? kickoff,
        CancellationToken cancellationToken) =>
        PlanAsync(store, newChanges, kickoff, [], cancellationToken);

    /// <summary>
    /// As <see cref="PlanAsync(IWriteBackStore, IReadOnlyList{OutboundChange}, KickoffPlan?, CancellationToken)"/>,
    /// with the records a dry-run pull just read: they count as if recorded with
    /// <see cref="IWriteBackStore.RecordObservedAsync"/> (which a dry run must not call), so the plan matches a real
    /// run that records the pull and then flushes.
    /// </summary>
    public static async Task<WriteBackPlan> PlanAsync(
        IWriteBackStore store,
        IReadOnlyList<OutboundChange> newChanges,
        KickoffPlan? kickoff,
        IReadOnlyList<ObservedRecord> pulled,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pulled);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(newChanges);
        var pending = await store.GetPendingAsync(cancellationToken);
        var merged = new Dictionary<PropertyKey, OutboundChange>();
        foreach (var entry in pending)
        {
            merged[entry.Change.Key] = entry.Change;
        }

        foreach (var change in newChanges)
        {
            merged[change.Key] = change;
        }

        var records = merged.Keys.Select(k => k.Record).Concat(pulled.Select(r => new RecordRef(r.ObjectType, r.RecordId))).Distinct().ToList();
        var states = Overlay(await store.GetPropertyStatesAsync(records, cancellationToken), pulled);
        var plan = Plan(merged.Values.ToList(), states);
        if (kickoff is null)
        {
            return plan;
        }

        return plan with
        {
            Creates = kickoff.Creates,
            Associations = kickoff.Associations,
        };
    }

    /// <summary>The plan of the given desired values against the known states (pure).</summary>
    public static WriteBackPlan Plan(IReadOnlyList<OutboundChange> changes, IReadOnlyDictionary<PropertyKey, PropertyState> states)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(states);
        var updates = new List<PlannedUpdate>();
        var kept = new List<PlannedUpdate>();
        var unchanged = 0;
        var held = 0;
        foreach (var change in changes)
        {
            states.TryGetValue(change.Key, out var state);
            var decision = PushDecider.Decide(change, state);
            switch (decision.Action)
            {
                case PushAction.Push:
                    updates.Add(ToUpdate(change, decision));
                    break;
                case PushAction.KeepHubSpot:
                    kept.Add(ToUpdate(change, decision));
                    break;
                case PushAction.HoldRejected:
                    held++;
                    break;
                default:
                    unchanged++;
                    break;
            }
        }

        return new WriteBackPlan([], Sort(updates), Sort(kept), [], unchanged, held);
    }

    /// <summary>The states as they would be after recording <paramref name="pulled"/> (same rules as the store).</summary>
    public static IReadOnlyDictionary<PropertyKey, PropertyState> Overlay(
        IReadOnlyDictionary<PropertyKey, PropertyState> states, IReadOnlyList<ObservedRecord> pulled)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(pulled);
        if (pulled.Count == 0)
        {
            return states;
        }

        var result = new Dictionary<PropertyKey, PropertyState>(states);
        foreach (var record in pulled)
        {
            foreach (var (property, raw) in record.Values)
            {
                var value = string.IsNullOrEmpty(raw) ? null : raw;
                var key = new PropertyKey(record.ObjectType, record.RecordId, property);
                var state = result.TryGetValue(key, out var s) ? s : PropertyState.Unknown;
                var changedAt = record.ChangedAt is not null && record.ChangedAt.TryGetValue(property, out var at) ? at : record.UpdatedAt;
                if (state.HasObserved && string.Equals(state.ObservedValue, value, StringComparison.Ordinal))
                {
                    continue;
                }

                result[key] = state with { HasObserved = true, ObservedValue = value, ObservedChangedAt = changedAt };
            }
        }

        return result;
    }

    internal static PlannedUpdate ToUpdate(OutboundChange change, PushDecision decision) =>
        new(change.ObjectType, change.Record.RecordKey, change.Property, decision.Current, change.Value, decision.IsConflict, decision.Reason);

    internal static List<PlannedUpdate> Sort(IEnumerable<PlannedUpdate> updates) =>
        updates.OrderBy(u => u.ObjectType, StringComparer.Ordinal)
            .ThenBy(u => u.RecordKey, StringComparer.Ordinal)
            .ThenBy(u => u.Property, StringComparer.Ordinal)
            .ToList();
}
