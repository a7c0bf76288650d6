using System.Text.Json;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>One entry of an error body's <c>errors[]</c>: its message, code and the properties its context names.</summary>
internal sealed record HubSpotErrorDetail(string? Message, string? Code, IReadOnlyList<string> PropertyNames);

/// <summary>The fields of HubSpot's error body the client acts on; parsed leniently (any field may be absent).</summary>
internal sealed record HubSpotErrorBody(string? Message, string? Category, string? CorrelationId, string? PolicyName, string? SubCategory)
{
    public static readonly HubSpotErrorBody Empty = new(null, null, null, null, null);

    /// <summary>
    /// Codes of <c>errors[]</c> that say a property cannot be written at all, whatever the value: every input that
    /// carries it fails for the same reason. (<c>READ_ONLY_VALUE</c> is [unconfirmed] in API-FACTS.md; the emulator
    /// answers it.)
    /// </summary>
    private static readonly HashSet<string> PropertyLevelCodes = new(StringComparer.Ordinal) { "PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE" };

    /// <summary>The entries of the body's <c>errors[]</c> (empty when absent).</summary>
    public IReadOnlyList<HubSpotErrorDetail> Errors { get; init; } = [];

    /// <summary>
    /// The properties this error refuses outright (a property that does not exist, or is read-only), each with its
    /// entry's message: no input that carries one can succeed, whatever else is in the batch.
    /// </summary>
    public IReadOnlyDictionary<string, string> UnwritableProperties()
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var detail in Errors)
        {
            if (detail.Code is { } code && PropertyLevelCodes.Contains(code))
            {
                foreach (var name in detail.PropertyNames)
                {
                    found.TryAdd(name, detail.Message ?? code);
                }
            }
        }

        return found;
    }

    /// <summary>Reads the error fields from an already buffered response; never throws.</summary>
    public static async ValueTask<HubSpotErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return Parse(bytes);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return Empty;
        }
    }

    public static HubSpotErrorBody Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return Empty;
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Empty;
            }

            string? message = null, category = null, correlationId = null, policyName = null, subCategory = null;
            List<HubSpotErrorDetail>? errors = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "errors" && reader.TokenType == JsonTokenType.StartArray)
                {
                    errors = ReadDetails(ref reader);
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    var value = reader.GetString();
                    switch (name)
                    {
                        case "message": message = value; break;
                        case "category": category = value; break;
                        case "correlationId": correlationId = value; break;
                        case "policyName": policyName = value; break;
                        case "subCategory": subCategory = value; break;
                        default: break;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return new HubSpotErrorBody(message, category, correlationId, policyName, subCategory) { Errors = errors ?? [] };
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    /// <summary>Reads <c>errors[]</c> (the reader on its start): message, code and <c>context.propertyName</c> of each object.</summary>
    private static List<HubSpotErrorDetail> ReadDetails(ref Utf8JsonReader reader)
    {
        var details = new List<HubSpotErrorDetail>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? message = null, code = null;
            var names = new List<string>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.GetString();
                reader.Read();
                if (field is "message" or "code" && reader.TokenType == JsonTokenType.String)
                {
                    (field == "message" ? ref message : ref code) = reader.GetString();
                }
                else if (field == "context" && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString();
                        reader.Read();
                        if (key == "propertyName" && reader.TokenType == JsonTokenType.StartArray)
                        {
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                            {
                                if (reader.TokenType == JsonTokenType.String)
                                {
                                    names.Add(reader.GetString()!);
                                }
                                else
                                {
                                    reader.Skip();
                                }
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            details.Add(new HubSpotErrorDetail(message, code, names));
        }

        return details;
    }

    /// <summary>The rate-limit policy of a 429: the body's <c>policyName</c>, or SECONDLY recognised by its message.</summary>
    public string? RateLimitPolicy =>
        PolicyName ?? (Message == RateLimiting.HubSpotRateLimitPolicy.SecondlyMessage ? RateLimiting.HubSpotRateLimitPolicy.Secondly : null);
}
