using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Storage;

/// <summary>The JSON columns of the store: string maps (values kept exactly) and association kinds.</summary>
internal static class StoreJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static string WriteMap(IReadOnlyDictionary<string, string?> map)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A page's records as the JSON array the set-based upsert reads: t, i, a, aa, c, u, p (object), l (object), n.</summary>
    public static string WriteRecords(IEnumerable<RecordWrite> writes)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var write in writes)
            {
                var r = write.Record!;
                writer.WriteStartObject();
                writer.WriteString("t", r.Kind.Plural());
                writer.WriteString("i", r.Id);
                writer.WriteNumber("a", r.Archived ? 1 : 0);
                if (r.ArchivedAt is { } archivedAt)
                {
                    writer.WriteString("aa", SqliteDeliveryStore.Text(archivedAt));
                }
                else
                {
                    writer.WriteNull("aa");
                }

                writer.WriteString("c", SqliteDeliveryStore.Text(r.CreatedAt));
                writer.WriteString("u", SqliteDeliveryStore.Text(r.UpdatedAt));
                WriteObject(writer, "p", r.Properties);
                WriteObject(writer, "l", r.LocalValues);
                writer.WriteString("n", SqliteDeliveryStore.Text(write.Ledger.LastChangedAt));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Ledger rows as a JSON array: t, i, u, h, s, r, n.</summary>
    public static string WriteLedger(IEnumerable<LedgerEntry> entries)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var l in entries)
            {
                ArgumentNullException.ThrowIfNull(l.ContentHash);
                writer.WriteStartObject();
                writer.WriteString("t", l.Kind.Plural());
                writer.WriteString("i", l.Id);
                writer.WriteString("u", SqliteDeliveryStore.Text(l.UpdatedAt));
                writer.WriteString("h", l.ContentHash);
                writer.WriteString("s", l.Status.Name());
                writer.WriteString("r", l.Reason);
                writer.WriteString("n", SqliteDeliveryStore.Text(l.LastChangedAt));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The (from type, from id, to type) whose links a page replaces: f, i, t.</summary>
    public static string WriteLinkOwners(IEnumerable<LinkReplacement> replacements)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var r in replacements)
            {
                writer.WriteStartObject();
                writer.WriteString("f", r.From.Plural());
                writer.WriteString("i", r.FromId);
                writer.WriteString("t", r.To.Plural());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The new links of a page: f, i, t, o (to id), k (kinds as JSON text).</summary>
    public static string WriteLinks(IEnumerable<LinkReplacement> replacements)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var r in replacements)
            {
                foreach (var link in r.Links)
                {
                    writer.WriteStartObject();
                    writer.WriteString("f", r.From.Plural());
                    writer.WriteString("i", r.FromId);
                    writer.WriteString("t", r.To.Plural());
                    writer.WriteString("o", link.ToId);
                    writer.WritePropertyName("k");
                    writer.WriteStartArray();
                    foreach (var kind in link.Kinds)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("category", kind.Category);
                        writer.WriteNumber("typeId", kind.TypeId);
                        writer.WriteString("label", kind.Label);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteObject(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string?> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    public static SortedDictionary<string, string?> ReadMap(string json)
    {
        var map = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
        }

        return map;
    }

    public static string WriteIds(IEnumerable<string> ids)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var id in ids)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string WriteKinds(IReadOnlyList<AssociationKind> kinds)
    {
        var buffer = Buffer();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var kind in kinds)
            {
                writer.WriteStartObject();
                writer.WriteString("category", kind.Category);
                writer.WriteNumber("typeId", kind.TypeId);
                writer.WriteString("label", kind.Label);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static List<AssociationKind> ReadKinds(string json)
    {
        var kinds = new List<AssociationKind>();
        using var document = JsonDocument.Parse(json);
        foreach (var element in document.RootElement.EnumerateArray())
        {
            kinds.Add(new AssociationKind(
                element.GetProperty("category").GetString()!,
                element.GetProperty("typeId").GetInt32(),
                element.GetProperty("label").ValueKind == JsonValueKind.Null ? null : element.GetProperty("label").GetString()));
        }

        return kinds;
    }

    private static ArrayBufferWriter<byte> Buffer()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return buffer;
    }
}
