using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Storage;

/// <summary>The JSON columns of the store: string maps (values kept exactly), association kinds and id lists.</summary>
internal static class StoreJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What a JSON string cannot hold unescaped: the quote, the backslash and the control characters.</summary>
    private static readonly SearchValues<char> MustEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// A string map as the UTF-8 JSON object the store keeps (keys in the map's order, values exactly, null kept),
    /// written into the calling thread's buffer: valid until the thread's next write here.
    /// </summary>
    public static ReadOnlySpan<byte> MapUtf8(IReadOnlyDictionary<string, string?> map)
    {
        var buffer = Buffer();
        if (TryWritePlainMap(buffer, map))
        {
            return buffer.WrittenSpan;
        }

        // A key or value that JSON must escape (quote, backslash, control character) or that is not valid UTF-16.
        buffer.ResetWrittenCount();
        var writer = Writer(buffer);
        writer.WriteStartObject();
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan;
    }

    /// <summary>Association kinds as the UTF-8 JSON array the store keeps, in the calling thread's buffer (as <see cref="MapUtf8"/>).</summary>
    public static ReadOnlySpan<byte> KindsUtf8(IReadOnlyList<AssociationKind> kinds)
    {
        var buffer = Buffer();
        var writer = Writer(buffer);
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
        writer.Flush();
        return buffer.WrittenSpan;
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

    /// <summary>
    /// The common case, a map whose strings need no escaping, written without a JSON writer: quote, UTF-8, quote.
    /// False (the buffer half written) when a string needs escaping or is not valid UTF-16.
    /// </summary>
    private static bool TryWritePlainMap(ArrayBufferWriter<byte> buffer, IReadOnlyDictionary<string, string?> map)
    {
        Put(buffer, "{"u8);
        var first = true;
        foreach (var (key, value) in map)
        {
            if (!first)
            {
                Put(buffer, ","u8);
            }

            first = false;
            if (!TryPutPlainString(buffer, key))
            {
                return false;
            }

            Put(buffer, ":"u8);
            if (value is null)
            {
                Put(buffer, "null"u8);
            }
            else if (!TryPutPlainString(buffer, value))
            {
                return false;
            }
        }

        Put(buffer, "}"u8);
        return true;
    }

    private static bool TryPutPlainString(ArrayBufferWriter<byte> buffer, string value)
    {
        if (value.AsSpan().ContainsAny(MustEscape))
        {
            return false;
        }

        var span = buffer.GetSpan((value.Length * 3) + 2);
        span[0] = (byte)'"';
        if (Utf8.FromUtf16(value, span[1..], out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return false;
        }

        span[written + 1] = (byte)'"';
        buffer.Advance(written + 2);
        return true;
    }

    private static void Put(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    private static ArrayBufferWriter<byte> Buffer()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return buffer;
    }

    private static Utf8JsonWriter Writer(ArrayBufferWriter<byte> buffer)
    {
        if (t_writer is null)
        {
            t_writer = new Utf8JsonWriter(buffer, Options);
        }
        else
        {
            t_writer.Reset(buffer);
        }

        return t_writer;
    }
}
