using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>
/// Everything the product knows of one record, read from both stores: its ledger row ("why isn't this record in
/// sync"), what is stored of it, its links, and what the worker wrote back to it — per outbound property the value
/// last seen in HubSpot, the value last pushed, a pending write, a conflict kept for HubSpot — with its dead letters
/// and its latest audit lines.
/// </summary>
/// <param name="Ledger">The ledger row; null when the sync has never seen the record.</param>
/// <param name="Record">The stored record; null when it was never stored or left the model (e.g. excluded by a filter).</param>
/// <param name="Cursor">The sync position of the record's object type (what "not seen yet" is measured against).</param>
/// <param name="HubSpotObject">The HubSpot object the kind is mapped to; null when the kind is not mapped.</param>
/// <param name="Kickoff">For a deal: the kickoff's audit lines about it (its project created or found, or why it failed), newest first.</param>
public sealed record RecordInspection(
    EntityKind Kind,
    string Id,
    LedgerEntry? Ledger,
    StoredRecord? Record,
    SyncCursorState Cursor,
    string? HubSpotObject,
    IReadOnlyList<InspectedField> Fields,
    IReadOnlyList<InspectedLink> Links,
    IReadOnlyList<InspectedWriteBack> WriteBack,
    IReadOnlyList<DeadLetter> DeadLetters,
    IReadOnlyList<AuditEntry> Audit,
    IReadOnlyList<AuditEntry> Kickoff);

/// <summary>One mapped field of the record: HubSpot's raw value as stored, and the typed local value it became.</summary>
/// <param name="Local">The local value; null when the field is not inbound or the value is empty.</param>
public sealed record InspectedField(FieldMapping Mapping, string? HubSpotValue, string? Local);

/// <summary>A link of the record, seen from the record: the other side and the association types.</summary>
public sealed record InspectedLink(EntityKind OtherKind, string OtherId, IReadOnlyList<AssociationKind> Kinds);

/// <summary>The write-back state of one property of the record (see <see cref="PropertyState"/>), with its pending outbox row.</summary>
public sealed record InspectedWriteBack(string Property, PropertyState State, OutboxEntry? Pending);

/// <summary>Reads a <see cref="RecordInspection"/>: only reads, through the ports.</summary>
public static class RecordInspector
{
    /// <param name="auditLines">How many of the record's latest audit lines to read.</param>
    /// <param name="kickoff">How kickoff names projects (for a deal's kickoff lines); null reads none.</param>
    public static async Task<RecordInspection> InspectAsync(
        IDeliveryStore store,
        IWriteBackStore writeBack,
        MappingSet map,
        EntityKind kind,
        string id,
        int auditLines,
        KickoffOptions? kickoff,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(writeBack);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentOutOfRangeException.ThrowIfNegative(auditLines);

        var ledger = await store.GetLedgerEntryAsync(kind, id, cancellationToken);
        var records = await store.GetRecordsAsync(kind, [id], cancellationToken);
        var record = records.Count == 0 ? null : records[0];
        var cursor = await store.GetCursorAsync(kind, cancellationToken);
        var mapping = map.For(kind);
        var fields = mapping is null ? [] : Fields(mapping, record);
        var links = await LinksAsync(store, kind, id, cancellationToken);
        if (mapping is null)
        {
            return new RecordInspection(kind, id, ledger, record, cursor, null, fields, links, [], [], [], []);
        }

        var self = new RecordRef(mapping.HubSpotObject, id);
        var states = await writeBack.GetPropertyStatesAsync([self], cancellationToken);
        var pending = (await writeBack.GetPendingAsync(cancellationToken))
            .Where(e => e.Change.Record == self)
            .ToDictionary(e => e.Change.Property, StringComparer.Ordinal);
        var properties = states.Keys.Where(k => k.Record == self).Select(k => k.Property)
            .Concat(pending.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(p => new InspectedWriteBack(
                p,
                states.GetValueOrDefault(new PropertyKey(self.ObjectType, self.RecordKey, p)) ?? PropertyState.Unknown,
                pending.GetValueOrDefault(p)))
            .ToList();
        var letters = (await writeBack.ListDeadLettersAsync(cancellationToken)).Where(d => d.Change.Record == self).ToList();
        var audit = auditLines == 0
            ? []
            : await writeBack.ListAuditAsync(new AuditQuery(self.ObjectType, self.RecordKey, auditLines), cancellationToken);
        var kickoffLines = kind == EntityKind.Deal && kickoff is not null && auditLines > 0
            ? await KickoffLinesAsync(writeBack, kickoff, id, links, auditLines, cancellationToken)
            : [];
        return new RecordInspection(kind, id, ledger, record, cursor, mapping.HubSpotObject, fields, links, properties, letters, audit, kickoffLines);
    }

    /// <summary>
    /// A deal's kickoff lines: a failure is audited under the project code the deal would get (no project exists), a
    /// project created or found under the project's id (one of the deal's linked projects), with the deal as source.
    /// </summary>
    private static async Task<IReadOnlyList<AuditEntry>> KickoffLinesAsync(
        IWriteBackStore writeBack, KickoffOptions kickoff, string dealId, IReadOnlyList<InspectedLink> links, int auditLines, CancellationToken cancellationToken)
    {
        var source = KickoffService.AuditSource(dealId);
        var keys = links.Where(l => l.OtherKind == EntityKind.Project).Select(l => l.OtherId).Prepend(kickoff.CodeFor(dealId));
        var lines = new List<AuditEntry>();
        foreach (var key in keys)
        {
            lines.AddRange(await writeBack.ListAuditAsync(new AuditQuery(kickoff.ProjectObjectType, key, auditLines, source), cancellationToken));
        }

        return lines.OrderByDescending(a => a.Id).Take(auditLines).ToList();
    }

    private static List<InspectedField> Fields(ObjectMapping mapping, StoredRecord? record) =>
        record is null
            ? []
            : mapping.Fields
                .Select(f => new InspectedField(
                    f,
                    record.Properties.GetValueOrDefault(f.HubSpot),
                    f.IsInbound ? record.LocalValues.GetValueOrDefault(f.Local) : null))
                .ToList();

    /// <summary>Links are stored from one side (the side the mappings read them from): both directions are looked up.</summary>
    private static async Task<List<InspectedLink>> LinksAsync(IDeliveryStore store, EntityKind kind, string id, CancellationToken cancellationToken)
    {
        var links = new List<InspectedLink>();
        foreach (var other in EntityKinds.All.Where(k => k != kind))
        {
            var from = await store.GetLinksAsync(kind, other, [id], cancellationToken);
            if (from.TryGetValue(id, out var outgoing))
            {
                links.AddRange(outgoing.Select(l => new InspectedLink(other, l.ToId, l.Kinds)));
            }

            var to = await store.GetLinksAsync(other, kind, await LinkedFromAsync(store, other, kind, id, cancellationToken), cancellationToken);
            links.AddRange(to.Values.SelectMany(l => l).Where(l => l.ToId == id).Select(l => new InspectedLink(other, l.FromId, l.Kinds)));
        }

        return links
            .GroupBy(l => (l.OtherKind, l.OtherId))
            .Select(g => g.First())
            .OrderBy(l => l.OtherKind)
            .ThenBy(l => l.OtherId.Length)
            .ThenBy(l => l.OtherId, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<IReadOnlyCollection<string>> LinkedFromAsync(IDeliveryStore store, EntityKind from, EntityKind to, string id, CancellationToken cancellationToken) =>
        (await store.GetLinkedFromIdsAsync(from, to, [id], cancellationToken)).TryGetValue(id, out var ids) ? ids : [];
}
