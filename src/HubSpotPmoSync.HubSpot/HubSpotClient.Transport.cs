using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The transport concern: sending one interface call, mapping HubSpot's errors, reading bodies, keeping the token out of text.</summary>
internal sealed partial class HubSpotClient
{
    /// <summary>A call of one of the Refit interfaces, given its <see cref="HubSpotCall"/> and the cancellation token.</summary>
    private delegate Task<HttpResponseMessage> ApiCall(HubSpotCall call, CancellationToken cancellationToken);

    private async Task ForEachChunkAsync<T>(
        IReadOnlyList<T> chunks, Func<T, int, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        if (chunks.Count == 1)
        {
            await body(chunks[0], 0, cancellationToken);
            return;
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            (index, ct) => body(chunks[index], index, ct));
    }

    /// <summary>Sends a call that must succeed and reads its body.</summary>
    private async Task<TResponse> SendAsync<TResponse>(HubSpotCall call, ApiCall send, JsonTypeInfo<TResponse> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await SendForStatusAsync(call, send, cancellationToken);
        await EnsureSuccessAsync(response, call.Route, cancellationToken);
        return await ReadJsonAsync(response, typeInfo, call, cancellationToken);
    }

    /// <summary>Sends a call that must succeed and has no body the client needs.</summary>
    private async Task SendAsync(HubSpotCall call, ApiCall send, CancellationToken cancellationToken)
    {
        using var response = await SendForStatusAsync(call, send, cancellationToken);
        await EnsureSuccessAsync(response, call.Route, cancellationToken);
    }

    /// <summary>
    /// Sends through the handler chain and returns the answer if it is a success or a 400 (which batch writes
    /// turn into per-input outcomes); anything else becomes a <see cref="CrmException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendForStatusAsync(HubSpotCall call, ApiCall send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send(call, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (CrmException)
        {
            throw;
        }
        catch (TimeoutRejectedException e)
        {
            throw new CrmException(
                $"HubSpot call {call.Route} timed out (HubSpot:AttemptTimeout = {_options.AttemptTimeout}, HubSpot:TotalTimeout = {_options.TotalTimeout}).",
                null,
                "TIMEOUT",
                e);
        }
        catch (BrokenCircuitException e)
        {
            throw new CrmException(
                $"HubSpot call {call.Route} was not sent: the circuit is open after repeated failures; it is tried again after HubSpot:CircuitBreakerBreakDuration = {_options.CircuitBreakerBreakDuration}.",
                null,
                "CIRCUIT_OPEN",
                e);
        }
        catch (HttpRequestException e)
        {
            throw new CrmException($"HubSpot call {call.Route} failed on the network: {Redact(e.Message)}", null, "NETWORK_ERROR", Sanitize(e));
        }

        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest && IsBatchWrite(call))
        {
            return response;
        }

        using (response)
        {
            await EnsureSuccessAsync(response, call.Route, cancellationToken);
        }

        throw new InvalidOperationException("unreachable");
    }

    private static bool IsBatchWrite(HubSpotCall call) =>
        call.Route.StartsWith("POST ", StringComparison.Ordinal)
        && (call.Route.EndsWith("/batch/update", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/upsert", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/create", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/archive", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/associate/default", StringComparison.Ordinal));

    /// <summary>
    /// Maps a failed answer to the exception the callers act on: 401 → <see cref="CrmAuthenticationException"/>;
    /// 403 <c>MISSING_SCOPES</c> → <see cref="CrmMissingScopesException"/> naming the scopes; other 403 → authentication;
    /// a DAILY 429 → <see cref="CrmQuotaExceededException"/>; anything else → <see cref="CrmException"/> with status,
    /// category, HubSpot's message and correlation id. None of them carries the token.
    /// </summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, string route, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var error = await HubSpotErrorBody.ReadAsync(response, cancellationToken);
        Log.CallFailed(_logger, route, status, error.Category, error.CorrelationId);
        throw ToException(status, error, route, response.ReasonPhrase, Redact);
    }

    /// <summary>The exception for a failed answer (see <see cref="EnsureSuccessAsync"/>); shared with the diagnostics.</summary>
    internal static CrmException ToException(int status, HubSpotErrorBody error, string route, string? reasonPhrase, Func<string?, string?> redact)
    {
        var correlation = error.CorrelationId is null ? string.Empty : $" (correlation id {error.CorrelationId})";
        switch (status)
        {
            case 401:
                return new CrmAuthenticationException(
                    $"HubSpot refused the access token ({error.Category ?? "401"}) on {route}. Check the HubSpot:AccessToken setting: "
                    + $"it must be a valid service key or app access token for this portal (its value is not shown).{correlation}");
            case 403 when error.Category == CrmMissingScopesException.MissingScopesCategory:
                var scopes = error.RequiredScopes.Select(s => redact(s)!).ToList();
                return new CrmMissingScopesException(
                    $"HubSpot refused {route}: the token in HubSpot:AccessToken lacks the scope{(scopes.Count == 1 ? string.Empty : "s")} "
                    + $"{(scopes.Count == 0 ? "(HubSpot named none)" : string.Join(", ", scopes))}. Add "
                    + $"{(scopes.Count == 1 ? "it" : "them")} to the service key or app and run again "
                    + $"(HubSpot: {redact(error.Message) ?? "missing scopes"}).{correlation}",
                    scopes);
            case 403:
                return new CrmAuthenticationException(
                    $"HubSpot refused {route} for the token in HubSpot:AccessToken ({error.Category ?? "403"}): {redact(error.Message)}. "
                    + $"Grant the service key or app the missing scopes.{correlation}",
                    403,
                    error.Category ?? "FORBIDDEN");
            case 429 when error.RateLimitPolicy == RateLimiting.HubSpotRateLimitPolicy.Daily:
                return new CrmQuotaExceededException(
                    $"HubSpot's daily API limit for the portal is used up (policy DAILY) on {route}; calls succeed again after the portal's "
                    + $"daily reset (midnight in the portal's time zone).{correlation}");
            default:
                return new CrmException(
                    $"HubSpot call {route} failed with {status} {error.Category}: {redact(error.Message) ?? reasonPhrase}{correlation}",
                    status,
                    error.Category);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, HubSpotCall call, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken)
                ?? throw new CrmException($"HubSpot call {call.Route} answered {(int)response.StatusCode} with an empty body.", (int)response.StatusCode, null);
        }
        catch (JsonException e)
        {
            throw new CrmException($"HubSpot call {call.Route} answered with JSON the client cannot read: {e.Message}", (int)response.StatusCode, null, e);
        }
    }

    /// <summary>
    /// The exception to chain as an inner exception: itself, unless its text (message, inner exceptions) carries the
    /// token, in which case a redacted copy of the same type family without the original chain.
    /// </summary>
    private Exception Sanitize(Exception exception) =>
        string.IsNullOrEmpty(_options.AccessToken) || !exception.ToString().Contains(_options.AccessToken, StringComparison.Ordinal)
            ? exception
            : new HttpRequestException(Redact(exception.Message));

    /// <summary>Removes the access token from text that came from elsewhere (server messages, exception messages).</summary>
    private string? Redact(string? text) =>
        text is null || string.IsNullOrEmpty(_options.AccessToken)
            ? text
            : text.Replace(_options.AccessToken, "***", StringComparison.Ordinal);
}
