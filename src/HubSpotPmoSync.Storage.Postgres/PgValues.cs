using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>
/// The column values, written exactly as the SQLite store writes them (so <c>storage copy</c> moves rows verbatim and
/// both providers read the same): instants as ISO-8601 UTC text, JSON documents as text.
/// </summary>
internal static class PgValues
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An instant of the delivery model (records, ledger, cursors, runs): round-trip format, UTC.</summary>
    public static string Text(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static object Text(DateTimeOffset? value) => value is { } v ? Text(v) : DBNull.Value;

    public static DateTimeOffset Instant(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal);

    /// <summary>An instant of write-back and delivery data: 7 decimals and <c>Z</c> (sorts as text).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static object Db(string? value) => string.IsNullOrEmpty(value) ? DBNull.Value : value;

    public static object Nullable(string? value) => (object?)value ?? DBNull.Value;

    public static string? String(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static string Map(IReadOnlyDictionary<string, string?> map)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static SortedDictionary<string, string?> ReadMap(string json)
    {
        var map = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString();
        }

        return map;
    }

    public static string Kinds(IReadOnlyList<AssociationKind> kinds)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
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

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
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
}
