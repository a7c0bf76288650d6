using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>A finished answer: status, body and extra headers. Built before it is sent, so faults can replace or cut it.</summary>
internal sealed class Reply
{
    public Reply(int status, byte[]? body = null)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public byte[]? Body { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public static Reply Json(int status, Action<Utf8JsonWriter> write) => new(status, JsonOut.Write(write));

    public static Reply NoContent() => new(204);
}

internal static class JsonOut
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string Iso(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static void Error(Utf8JsonWriter w, ApiException e, string correlationId)
    {
        w.WriteStartObject();
        w.WriteString("status", "error");
        w.WriteString("message", e.Message);
        w.WriteString("correlationId", correlationId);
        w.WriteString("category", e.Category);
        if (e.SubCategory is not null)
        {
            w.WriteString("subCategory", e.SubCategory);
        }

        if (e.Context is { Count: > 0 })
        {
            w.WritePropertyName("context");
            Context(w, e.Context);
        }

        if (e.Errors.Count > 0)
        {
            w.WriteStartArray("errors");
            foreach (var d in e.Errors)
            {
                w.WriteStartObject();
                w.WriteString("message", d.Message);
                if (d.Code is not null)
                {
                    w.WriteString("code", d.Code);
                }

                if (d.In is not null)
                {
                    w.WriteString("in", d.In);
                }

                if (d.Context is { Count: > 0 })
                {
                    w.WritePropertyName("context");
                    Context(w, d.Context);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static void Context(Utf8JsonWriter w, IReadOnlyDictionary<string, string[]> context)
    {
        w.WriteStartObject();
        foreach (var (k, values) in context)
        {
            w.WriteStartArray(k);
            foreach (var v in values)
            {
                w.WriteStringValue(v);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static Reply ErrorReply(ApiException e, string correlationId) =>
        Reply.Json(e.Status, w => Error(w, e, correlationId));
}
