using System.Text.Json;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>
/// Reads each answer's body completely inside the attempt, so that a connection cut mid-body or a body that is
/// not complete JSON fails the attempt (and is retried) instead of failing later in deserialisation. An attempt
/// that gets no connection fails naming the host and port (<see cref="NetworkFailure.Explain"/>).
/// </summary>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (NetworkFailure.Explain(e, request.RequestUri) is var explained && !ReferenceEquals(explained, e))
        {
            throw explained;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            if (IsJson(response))
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (body.Length > 0 && !IsCompleteJson(body))
                {
                    throw new TruncatedResponseException($"HubSpot's answer ({(int)response.StatusCode}) ended before its JSON was complete ({body.Length} bytes).");
                }
            }

            return response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            response.Dispose();
            throw e as TruncatedResponseException
                ?? new TruncatedResponseException($"HubSpot's answer ({(int)response.StatusCode}) was cut off while reading its body.", e);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    internal static bool IsCompleteJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, isFinalBlock: true, state: default);
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsJson(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is not { } mediaType
        || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
}
