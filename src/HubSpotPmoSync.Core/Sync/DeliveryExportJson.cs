using System.Text.Encodings.Web;
using System.Text.Json;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>Writes a <see cref="DeliveryExport"/> in DESIGN.md's JSON shape; property values are written exactly as stored.</summary>
public static class DeliveryExportJson
{
    /// <summary>
    /// <c>{"companies":[{"id","archived","properties":{…}}],"deals":[…],"tickets":[…],"projects":[…],"associations":[{"fromType","fromId","toType","toId","typeIds":[…]}]}</c>;
    /// only the kinds present in the export appear.
    /// </summary>
    public static void Write(DeliveryExport export, Stream output, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        foreach (var kind in EntityKinds.All)
        {
            if (!export.Records.TryGetValue(kind, out var records))
            {
                continue;
            }

            writer.WriteStartArray(kind.Plural());
            foreach (var record in records)
            {
                writer.WriteStartObject();
                writer.WriteString("id", record.Id);
                writer.WriteBoolean("archived", record.Archived);
                writer.WriteStartObject("properties");
                foreach (var (name, value) in record.Properties)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteStartArray("associations");
        foreach (var a in export.Associations)
        {
            writer.WriteStartObject();
            writer.WriteString("fromType", a.FromType);
            writer.WriteString("fromId", a.FromId);
            writer.WriteString("toType", a.ToType);
            writer.WriteString("toId", a.ToId);
            writer.WriteStartArray("typeIds");
            foreach (var id in a.TypeIds)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Orders record ids as numbers (HubSpot ids are numeric strings); non-numeric ids sort after, ordinally.</summary>
    public static int CompareIds(string? a, string? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        // Sorting a 100k-record export calls this millions of times: no allocation, no delegate per character.
        var aNumeric = IsNumeric(a);
        var bNumeric = IsNumeric(b);
        if (aNumeric && bNumeric)
        {
            var at = a.AsSpan().TrimStart('0');
            var bt = b.AsSpan().TrimStart('0');
            return at.Length != bt.Length ? at.Length.CompareTo(bt.Length) : at.SequenceCompareTo(bt) is var c && c != 0 ? c : string.CompareOrdinal(a, b);
        }

        return aNumeric != bNumeric ? (aNumeric ? -1 : 1) : string.CompareOrdinal(a, b);
    }

    private static bool IsNumeric(string id) => id.Length > 0 && !id.AsSpan().ContainsAnyExceptInRange('0', '9');

    /// <summary>A comparer for <see cref="CompareIds"/>.</summary>
    public static IComparer<string> IdComparer { get; } = Comparer<string>.Create(CompareIds);
}
