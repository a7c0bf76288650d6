using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>
/// What the export must show for the current state of a <see cref="FakeCrmSource"/>: every record not excluded by a
/// filter (archived ones flagged) with its mapped properties, and the links of the configured pairs from records
/// that are not archived to records that are not archived (the sync drops an archived record's own links, and a read
/// never shows a link to one). Serialised with <see cref="DeliveryExportJson"/>, it compares byte for byte.
/// </summary>
public static class ExpectedExport
{
    public static DeliveryExport From(FakeCrmSource source, MappingSet mappings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(mappings);
        var records = new Dictionary<EntityKind, IReadOnlyList<ExportRecord>>();
        var included = new Dictionary<EntityKind, HashSet<string>>();
        var archived = new Dictionary<EntityKind, HashSet<string>>();
        foreach (var mapping in mappings.Objects.Values.OrderBy(m => m.Kind))
        {
            var list = new List<ExportRecord>();
            included[mapping.Kind] = new HashSet<string>(StringComparer.Ordinal);
            archived[mapping.Kind] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var record in source.All(mapping.HubSpotObject))
            {
                var mapped = RecordMapper.Map(record, mapping);
                if (mapped.Status == LedgerStatus.Excluded)
                {
                    continue;
                }

                list.Add(new ExportRecord(record.Id, record.Archived, mapped.Record.Properties));
                (record.Archived ? archived : included)[mapping.Kind].Add(record.Id);
            }

            records[mapping.Kind] = list.OrderBy(r => r.Id, DeliveryExportJson.IdComparer).ToList();
        }

        var associations = new List<ExportAssociation>();
        foreach (var pair in mappings.Associations)
        {
            var from = mappings.For(pair.From)!.HubSpotObject;
            var to = mappings.For(pair.To)!.HubSpotObject;
            foreach (var link in source.AllLinks(from, to).Where(l => included[pair.From].Contains(l.FromId) && !archived[pair.To].Contains(l.ToId)))
            {
                associations.Add(new ExportAssociation(pair.From.Plural(), link.FromId, pair.To.Plural(), link.ToId,
                    link.Kinds.Select(k => k.TypeId).Distinct().Order().ToList()));
            }
        }

        return new DeliveryExport(
            records,
            associations.OrderBy(a => a.FromType, StringComparer.Ordinal)
                .ThenBy(a => a.FromId, DeliveryExportJson.IdComparer)
                .ThenBy(a => a.ToType, StringComparer.Ordinal)
                .ThenBy(a => a.ToId, DeliveryExportJson.IdComparer)
                .ToList());
    }

    /// <summary>The export as the JSON text <c>export</c> prints.</summary>
    public static string Json(DeliveryExport export)
    {
        using var stream = new MemoryStream();
        DeliveryExportJson.Write(export, stream, indented: true);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
