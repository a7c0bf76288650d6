using System.Text.Json;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>One entry of an error body's <c>errors[]</c>: its message, code and the properties its context names.</summary>
internal sealed record HubSpotErrorDetail(string? Message, string? Code, IReadOnlyList<string> PropertyNames)
{
    /// <summary>The scopes this entry's <c>context.requiredGranularScopes</c> names (a 403 <c>MISSING_SCOPES</c>).</summary>
    public IReadOnlyList<string> RequiredScopes { get; init; } = [];
}

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

    /// <summary>The scopes of the top-level <c>context.requiredGranularScopes</c>, when the body has one.</summary>
    public IReadOnlyList<string> ContextScopes { get; init; } = [];

    /// <summary>
    /// Every scope the answer says the call needs (a 403 <c>MISSING_SCOPES</c>): <c>errors[].context.requiredGranularScopes</c>
    /// then the top-level <c>context.requiredGranularScopes</c>, each once, in order.
    /// </summary>
    public IReadOnlyList<string> RequiredScopes => Errors.SelectMany(e => e.RequiredScopes).Concat(ContextScopes).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// HubSpot's message with the details of <c>errors[]</c> that it does not already contain: a 2026-09 write-validation
    /// 400 often says "Property values were not valid" on top and which rule failed below.
    /// </summary>
    public string? FullMessage
    {
        get
        {
            var details = Errors.Select(e => e.Message).OfType<string>()
                .Where(m => m.Length > 0 && (Message is null || !Message.Contains(m, StringComparison.Ordinal)))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            return details.Count == 0 ? Message : Message is null ? string.Join(" | ", details) : $"{Message}: {string.Join(" | ", details)}";
        }
    }

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
            List<string>? contextScopes = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "errors" && reader.TokenType == JsonTokenType.StartArray)
                {
                    errors = ReadDetails(ref reader);
                }
                else if (name == "context" && reader.TokenType == JsonTokenType.StartObject)
                {
                    contextScopes = ReadContext(ref reader).GetValueOrDefault("requiredGranularScopes");
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

            return new HubSpotErrorBody(message, category, correlationId, policyName, subCategory) { Errors = errors ?? [], ContextScopes = contextScopes ?? [] };
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
            var scopes = new List<string>();
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
                    var context = ReadContext(ref reader);
                    names.AddRange(context.GetValueOrDefault("propertyName") ?? []);
                    scopes.AddRange(context.GetValueOrDefault("requiredGranularScopes") ?? []);
                }
                else
                {
                    reader.Skip();
                }
            }

            details.Add(new HubSpotErrorDetail(message, code, names) { RequiredScopes = scopes });
        }

        return details;
    }

    /// <summary>Reads a <c>context</c> object (the reader on its start): the string arrays (or single strings) of each key.</summary>
    private static Dictionary<string, List<string>> ReadContext(ref Utf8JsonReader reader)
    {
        var context = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            var values = new List<string>();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        values.Add(reader.GetString()!);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                values.Add(reader.GetString()!);
            }
            else
            {
                reader.Skip();
            }

            context[key] = values;
        }

        return context;
    }

    /// <summary>The rate-limit policy of a 429: the body's <c>policyName</c>, or SECONDLY recognised by its message.</summary>
    public string? RateLimitPolicy =>
        PolicyName ?? (Message == RateLimiting.HubSpotRateLimitPolicy.SecondlyMessage ? RateLimiting.HubSpotRateLimitPolicy.Secondly : null);
}
