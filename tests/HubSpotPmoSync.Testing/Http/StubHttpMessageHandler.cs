using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace HubSpotPmoSync.Testing.Http;

/// <summary>One request as the stub saw it, with its body read while the request was alive.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? Authorization, IReadOnlyDictionary<string, string> Headers)
{
    public string PathAndQuery => Uri.PathAndQuery;
}

/// <summary>
/// A primary HTTP handler that answers from a function and records every request (dotnet/extensions'
/// TestHandlerStub, grown a recorder). The responder may throw to simulate network errors.
/// </summary>
public sealed class StubHttpMessageHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> _responder;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _count;

    public StubHttpMessageHandler(Func<RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> responder) => _responder = responder;

    public StubHttpMessageHandler(Func<RecordedRequest, int, HttpResponseMessage> responder)
        : this((r, n, _) => Task.FromResult(responder(r, n)))
    {
    }

    /// <summary>Answers the n-th request (0-based) with the n-th response; the last one repeats.</summary>
    public static StubHttpMessageHandler Sequence(params Func<HttpResponseMessage>[] responses) =>
        new((_, n) => responses[Math.Min(n, responses.Length - 1)]());

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public int Count => Volatile.Read(ref _count);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, body, request.Headers.Authorization?.ToString(), headers);
        _requests.Enqueue(recorded);
        var n = Interlocked.Increment(ref _count) - 1;
        var response = await _responder(recorded, n, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
