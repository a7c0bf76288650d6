using System.Text.Json;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>The fields of HubSpot's error body the client acts on; parsed leniently (any field may be absent).</summary>
internal sealed record HubSpotErrorBody(string? Message, string? Category, string? CorrelationId, string? PolicyName, string? SubCategory)
{
    public static readonly HubSpotErrorBody Empty = new(null, null, null, null, null);

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
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
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

            return new HubSpotErrorBody(message, category, correlationId, policyName, subCategory);
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    /// <summary>The rate-limit policy of a 429: the body's <c>policyName</c>, or SECONDLY recognised by its message.</summary>
    public string? RateLimitPolicy =>
        PolicyName ?? (Message == RateLimiting.HubSpotRateLimitPolicy.SecondlyMessage ? RateLimiting.HubSpotRateLimitPolicy.Secondly : null);
}
