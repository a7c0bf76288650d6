using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;

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
