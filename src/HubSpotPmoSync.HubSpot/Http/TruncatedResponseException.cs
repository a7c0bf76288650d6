namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>An answer whose body ended early (a cut connection or invalid JSON); the attempt is retried like a network error.</summary>
internal sealed class TruncatedResponseException : HttpRequestException
{
    public TruncatedResponseException()
    {
    }

    public TruncatedResponseException(string message)
        : base(message)
    {
    }

    public TruncatedResponseException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
