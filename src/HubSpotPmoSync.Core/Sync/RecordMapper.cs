using System.Security.Cryptography;
using System.Text;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>A CRM record mapped for the store: the stored record, its ledger status and reason, and its content hash.</summary>
public sealed record MappedRecord(StoredRecord Record, LedgerStatus Status, string? Reason, string ContentHash);

/// <summary>Maps CRM records to stored records with one object's mapping (pure).</summary>
public static class RecordMapper
{
    /// <summary>
    /// Keeps the mapped properties as HubSpot sent them (absent → null), applies the inbound transforms, and decides
    /// the ledger status: excluded when a filter does not match, failing when a transform fails (the other values
    /// are still stored), in sync otherwise.
    /// </summary>
    public static MappedRecord Map(CrmRecord record, ObjectMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(mapping);
        var properties = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in mapping.StoredProperties)
        {
            properties[name] = record.Properties.TryGetValue(name, out var value) ? value : null;
        }

        string? excluded = null;
        foreach (var filter in mapping.Filters)
        {
            var value = properties[filter.Property];
            if (value is null || !filter.In.Contains(value, StringComparer.Ordinal))
            {
                excluded = $"filter: {filter.Property} is {(value is null ? "empty" : "'" + value + "'")}, not one of {string.Join(", ", filter.In)}";
                break;
            }
        }

        var locals = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        List<string>? failures = null;
        foreach (var field in mapping.InboundFields)
        {
            if (ValueTransformer.TryInbound(field, properties[field.HubSpot], out var canonical, out var error))
            {
                locals[field.Local] = canonical;
            }
            else
            {
                locals[field.Local] = null;
                (failures ??= []).Add($"{field.HubSpot} → {field.Local} ({field.Transform.Name}): {error}");
            }
        }

        var status = excluded is not null ? LedgerStatus.Excluded : failures is not null ? LedgerStatus.Failing : LedgerStatus.InSync;
        var reason = excluded ?? (failures is null ? null : string.Join("; ", failures));
        var stored = new StoredRecord(
            mapping.Kind,
            record.Id,
            record.Archived,
            record.Archived ? record.ArchivedAt : null,
            record.CreatedAt,
            record.UpdatedAt,
            properties,
            locals);
        return new MappedRecord(stored, status, reason, Hash(mapping, stored, status));
    }

    private static string Hash(ObjectMapping mapping, StoredRecord record, LedgerStatus status)
    {
        var sb = new StringBuilder(256);
        sb.Append(mapping.Fingerprint).Append('\u0001').Append(record.Archived ? '1' : '0').Append('\u0001');
        if (record.ArchivedAt is { } archivedAt)
        {
            sb.Append(ValueTransformer.FormatInstant(archivedAt));
        }

        sb.Append('\u0001').Append(status.Name());
        foreach (var (name, value) in record.Properties)
        {
            sb.Append('\u0001').Append(name).Append('\u0002');
            if (value is null)
            {
                sb.Append('\u0003');
            }
            else
            {
                sb.Append(value.Length).Append(':').Append(value);
            }
        }

        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));
    }
}
