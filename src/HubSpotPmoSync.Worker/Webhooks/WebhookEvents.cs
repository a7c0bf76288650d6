using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Core.Webhooks;

namespace HubSpotPmoSync.Worker.Webhooks;

/// <summary>A body HubSpot would not send: not JSON, not an array of events, or an event without its fields (400).</summary>
internal sealed class WebhookPayloadException(string message) : Exception(message)
{
    public WebhookPayloadException()
        : this("malformed webhook payload")
    {
    }

    public WebhookPayloadException(string message, Exception inner)
        : this(message + " " + inner.Message)
    {
    }
}

/// <summary>A record an event names, by HubSpot object type (name or type id) and id.</summary>
internal readonly record struct WebhookRecordRef(string ObjectType, string Id);

/// <summary>
/// HubSpot's webhook events (API-FACTS §12): the generic <c>object.*</c> family (with <c>objectTypeId</c>) and the
/// classic <c>deal.propertyChange</c>-style types. Actions: creation, deletion, propertyChange, associationChange,
/// merge, restore (and <c>contact.privacyDeletion</c>, a deletion).
/// </summary>
internal static class WebhookEvents
{
    private static readonly Dictionary<string, string> ClassicTypes = new(StringComparer.Ordinal)
    {
        ["contact"] = "contacts",
        ["company"] = "companies",
        ["deal"] = "deals",
        ["ticket"] = "tickets",
        ["line_item"] = "line_items",
        ["product"] = "products",
    };

    private static readonly Dictionary<string, string> AssociationEnds = new(StringComparer.Ordinal)
    {
        ["CONTACT"] = "contacts",
        ["COMPANY"] = "companies",
        ["DEAL"] = "deals",
        ["TICKET"] = "tickets",
        ["LINE_ITEM"] = "line_items",
        ["PRODUCT"] = "products",
        ["PROJECT"] = "projects",
    };

    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal)
    {
        "creation", "deletion", "propertyChange", "associationChange", "merge", "restore", "privacyDeletion",
    };

    /// <summary>
    /// Parses a delivery: the events of known types, each with its dedupe key; <paramref name="ignored"/> counts the
    /// events of types this worker does not subscribe to (accepted and dropped, as HubSpot retries any 4xx).
    /// </summary>
    /// <exception cref="WebhookPayloadException">Not a JSON array of event objects, or an event of a known type without its fields.</exception>
    public static IReadOnlyList<WebhookInboxEvent> Parse(ReadOnlySpan<byte> body, out int ignored)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new WebhookPayloadException("the body holds more than one JSON value");
            }
        }
        catch (JsonException e)
        {
            throw new WebhookPayloadException("the body is not JSON: " + e.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new WebhookPayloadException("the body is not a JSON array of events");
            }

            var events = new List<WebhookInboxEvent>();
            ignored = 0;
            var index = 0;
            foreach (var e in document.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object)
                {
                    throw new WebhookPayloadException($"event [{index}] is not a JSON object");
                }

                var type = Text(e, "subscriptionType") ?? Text(e, "eventType")
                    ?? throw new WebhookPayloadException($"event [{index}] has no subscriptionType");
                var objectType = ObjectTypeOf(type, e, index);
                if (objectType is null)
                {
                    ignored++;
                }
                else
                {
                    var objectId = Id(e, "objectId") ?? throw new WebhookPayloadException($"event [{index}] ({type}) has no numeric objectId");
                    var occurred = Number(e, "occurredAt") ?? throw new WebhookPayloadException($"event [{index}] ({type}) has no occurredAt");
                    events.Add(new WebhookInboxEvent(
                        DedupeKey(e, type, objectType, objectId),
                        DateTimeOffset.FromUnixTimeMilliseconds(occurred),
                        type,
                        objectType,
                        objectId,
                        e.GetRawText()));
                }

                index++;
            }

            return events;
        }
    }

    /// <summary>The records an inbox event names: the object itself, a merge's records, an association's two ends.</summary>
    public static IReadOnlyList<WebhookRecordRef> RecordsOf(string subscriptionType, string objectType, string objectId, string payload)
    {
        var refs = new List<WebhookRecordRef> { new(objectType, objectId) };
        using var document = JsonDocument.Parse(payload);
        var e = document.RootElement;
        var action = subscriptionType[(subscriptionType.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (action == "merge")
        {
            foreach (var name in new[] { "primaryObjectId", "newObjectId" })
            {
                if (Id(e, name) is { } id)
                {
                    refs.Add(new(objectType, id));
                }
            }

            if (e.TryGetProperty("mergedObjectIds", out var merged) && merged.ValueKind == JsonValueKind.Array)
            {
                refs.AddRange(merged.EnumerateArray().Select(IdOf).OfType<string>().Select(id => new WebhookRecordRef(objectType, id)));
            }
        }
        else if (action == "associationChange")
        {
            var (fromType, toType) = AssociationTypes(e, objectType);
            if (Id(e, "fromObjectId") is { } from && fromType is not null)
            {
                refs.Add(new(fromType, from));
            }

            if (Id(e, "toObjectId") is { } to && toType is not null)
            {
                refs.Add(new(toType, to));
            }
        }

        return refs.Distinct().ToList();
    }

    /// <summary>The object type an event is about, or null when its type is not one this worker handles.</summary>
    private static string? ObjectTypeOf(string type, JsonElement e, int index)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !Actions.Contains(type[(dot + 1)..]))
        {
            return null;
        }

        var family = type[..dot];
        if (family == "object")
        {
            return Text(e, "objectTypeId") is { Length: > 0 } typeId
                ? typeId
                : throw new WebhookPayloadException($"event [{index}] ({type}) has no objectTypeId");
        }

        return ClassicTypes.GetValueOrDefault(family);
    }

    private static (string? From, string? To) AssociationTypes(JsonElement e, string objectType)
    {
        var from = Text(e, "fromObjectTypeId");
        var to = Text(e, "toObjectTypeId");
        if (from is not null && to is not null)
        {
            return (from, to);
        }

        // Classic events name the pair as DEAL_TO_COMPANY; the event's own type is the from side.
        var association = Text(e, "associationType") ?? string.Empty;
        var split = association.IndexOf("_TO_", StringComparison.Ordinal);
        if (split <= 0)
        {
            return (objectType, null);
        }

        return (from ?? AssociationEnds.GetValueOrDefault(association[..split]) ?? objectType, to ?? AssociationEnds.GetValueOrDefault(association[(split + 4)..]));
    }

    /// <summary>
    /// What makes two deliveries the same event: every field of it but <c>attemptNumber</c> (HubSpot's retry count).
    /// <c>eventId</c> alone is not unique, so the type, subscription, portal, time, object and change go in too.
    /// </summary>
    private static string DedupeKey(JsonElement e, string type, string objectType, string objectId)
    {
        var text = new StringBuilder();
        text.Append(type).Append('|').Append(objectType).Append('|').Append(objectId);
        foreach (var property in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.Name is "attemptNumber")
            {
                continue;
            }

            text.Append('|').Append(property.Name).Append('=').Append(property.Value.GetRawText());
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n
        : e.TryGetProperty(name, out v) && v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n) ? n
        : null;

    private static string? Id(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? IdOf(v) : null;

    private static string? IdOf(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number when v.TryGetInt64(out var n) && n > 0 => n.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String when long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
