using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Api;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Refit;

namespace HubSpotPmoSync.HubSpot.Diagnostics;

/// <summary>
/// The diagnostics over the same Refit interfaces as the client, sent through their own named HttpClient: the auth
/// handler and the legacy path rewrite, but no resilience pipeline (no retries, no rate-limit waits) and a timeout of
/// <see cref="CallTimeout"/> per call, so <c>doctor</c> answers within seconds whatever HubSpot does.
/// </summary>
internal sealed class HubSpotDiagnostics : IHubSpotDiagnostics
{
    private const string PingType = "companies";

    private readonly IHttpMessageHandlerFactory _handlers;
    private readonly HubSpotOptions _options;
    private readonly HubSpotApiFamily _family;
    private readonly TimeProvider _time;

    public HubSpotDiagnostics(IHttpMessageHandlerFactory handlers, IOptions<HubSpotOptions> options, TimeProvider time)
    {
        _handlers = handlers;
        _options = options.Value;
        _family = HubSpotApiFamily.Of(_options);
        _time = time;
    }

    /// <summary>The timeout of one diagnostic call: <c>HubSpot:AttemptTimeout</c>, at most 10 seconds.</summary>
    internal static TimeSpan CallTimeout(HubSpotOptions options) => options.AttemptTimeout < TimeSpan.FromSeconds(10) ? options.AttemptTimeout : TimeSpan.FromSeconds(10);

    public async Task<HubSpotPing> PingAsync(CancellationToken cancellationToken)
    {
        var call = $"GET {_family.Path("/crm/objects/{version}/" + PingType)}?limit=1&archived=false";
        var start = _time.GetTimestamp();
        var (response, failure) = await SendAsync(_family, (http, c, ct) => Api<IHubSpotObjectsApi>(http).ListAsync(_family.PathVersion, PingType, 1, "false", null, null, c, ct), cancellationToken);
        var roundTrip = _time.GetElapsedTime(start);
        if (response is null)
        {
            return new HubSpotPing(_options.BaseAddress, _family.Name, call, false, failure, null, HubSpotTokenStatus.Unknown, HubSpotVersionStatus.Unknown, null, null, null);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var token = TokenStatus(status);
            var version = status == 404 ? HubSpotVersionStatus.Unknown : token == HubSpotTokenStatus.Rejected ? HubSpotVersionStatus.Unknown : HubSpotVersionStatus.Served;
            var detail = response.IsSuccessStatusCode ? null : await DescribeAsync(response, cancellationToken);
            if (status == 404 && !_family.IsLegacy)
            {
                // Is it the version, or the address? Ask the legacy family the same question.
                var legacy = HubSpotApiFamily.Of(HubSpotApiVersions.Legacy);
                var (legacyResponse, _) = await SendAsync(legacy, (http, c, ct) => Api<IHubSpotObjectsApi>(http).ListAsync(legacy.PathVersion, PingType, 1, "false", null, null, c, ct), cancellationToken);
                using (legacyResponse)
                {
                    if (legacyResponse is not null && legacyResponse.StatusCode != HttpStatusCode.NotFound)
                    {
                        version = HubSpotVersionStatus.NotServed;
                        token = TokenStatus((int)legacyResponse.StatusCode);
                        detail = $"the {_family.Name} path answered 404 while the legacy path {legacy.Path("/crm/objects/{version}/" + PingType)} answered "
                            + $"{(int)legacyResponse.StatusCode}: this HubSpot does not serve API version {_family.Name}";
                    }
                    else
                    {
                        detail = $"both the {_family.Name} and the legacy path answered 404: is HubSpot:BaseAddress the API root? ({detail})";
                    }
                }
            }

            return new HubSpotPing(_options.BaseAddress, _family.Name, call, true, null, status, token, version, response.Headers.Date, roundTrip, detail);
        }
    }

    public async Task<IReadOnlyList<HubSpotScopeCheck>> CheckScopesAsync(IReadOnlyCollection<HubSpotScopeRequirement> required, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(required);
        var checks = new List<HubSpotScopeCheck>();
        foreach (var scope in required.GroupBy(r => r.Scope, StringComparer.Ordinal))
        {
            var requirement = scope.First();
            var reason = string.Join(", ", scope.Select(r => r.Reason).Distinct(StringComparer.Ordinal));
            var (probe, send) = Probe(requirement);
            var (response, failure) = await SendAsync(_family, send, cancellationToken);
            if (response is null)
            {
                checks.Add(new HubSpotScopeCheck(scope.Key, HubSpotScopeStatus.Unknown, reason, probe, null, failure));
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                var error = response.IsSuccessStatusCode ? HubSpotErrorBody.Empty : await HubSpotErrorBody.ReadAsync(response, cancellationToken);
                checks.Add(status switch
                {
                    403 when error.Category == CrmMissingScopesException.MissingScopesCategory => new HubSpotScopeCheck(
                        scope.Key,
                        HubSpotScopeStatus.Missing,
                        reason,
                        probe,
                        status,
                        error.RequiredScopes.Count == 0 ? Redact(error.Message) : $"HubSpot requires {string.Join(", ", error.RequiredScopes.Select(Redact))}"),
                    401 => new HubSpotScopeCheck(scope.Key, HubSpotScopeStatus.Unknown, reason, probe, status, $"401 {error.Category}: the token was refused".Replace(" :", ":", StringComparison.Ordinal)),
                    403 or 429 or >= 500 => new HubSpotScopeCheck(
                        scope.Key, HubSpotScopeStatus.Unknown, reason, probe, status, $"{status} {error.Category}: {Redact(error.Message) ?? response.ReasonPhrase}"),
                    _ => new HubSpotScopeCheck(scope.Key, HubSpotScopeStatus.Present, reason, probe, status, null),
                });
            }
        }

        return checks;
    }

    public async Task<HubSpotDailyUsage?> GetDailyUsageAsync(CancellationToken cancellationToken)
    {
        var route = _family.Route("GET", "/account-info/{version}/api-usage/daily/private-apps");
        var (response, failure) = await SendAsync(_family, (http, c, ct) => Api<IHubSpotAccountApi>(http).DailyUsageAsync(_family.PathVersion, c, ct), cancellationToken);
        if (response is null)
        {
            throw new CrmException($"HubSpot call {route} failed: {failure}.", null, "NETWORK_ERROR");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw HubSpotClient.ToException((int)response.StatusCode, await HubSpotErrorBody.ReadAsync(response, cancellationToken), route, response.ReasonPhrase, Redact);
            }

            DailyUsageResponseDto? usage;
            try
            {
                usage = await response.Content.ReadFromJsonAsync(HubSpotJsonContext.Default.DailyUsageResponseDto, cancellationToken);
            }
            catch (JsonException e)
            {
                throw new CrmException($"HubSpot call {route} answered with JSON the client cannot read: {e.Message}", (int)response.StatusCode, null, e);
            }

            var daily = usage?.Results?.FirstOrDefault(r => r.Name == "private-apps-api-calls-daily") ?? usage?.Results?.FirstOrDefault();
            return daily is null ? null : new HubSpotDailyUsage(daily.UsageLimit, daily.CurrentUsage ?? 0, daily.ResetsAt, daily.CollectedAt);
        }
    }

    private (string Probe, Func<HttpClient, HubSpotCall, CancellationToken, Task<HttpResponseMessage>> Send) Probe(HubSpotScopeRequirement requirement)
    {
        var v = _family.PathVersion;
        var type = requirement.ObjectType;
        return requirement.Probe switch
        {
            HubSpotScopeProbe.ObjectRead => (
                $"GET {_family.Path("/crm/objects/{version}/" + type)}?limit=1&archived=false",
                (http, c, ct) => Api<IHubSpotObjectsApi>(http).ListAsync(v, type, 1, "false", null, null, c, ct)),
            HubSpotScopeProbe.ObjectWrite => (
                $"POST {_family.Path("/crm/objects/{version}/" + type + "/batch/update")}",
                (http, c, ct) => Api<IHubSpotObjectsApi>(http).BatchUpdateAsync(v, type, new BatchUpdateRequestDto([]), c, ct)),
            HubSpotScopeProbe.SchemaRead => (
                $"GET {_family.Path("/crm/properties/{version}/" + type)}",
                (http, c, ct) => Api<IHubSpotPropertiesApi>(http).ListAsync(v, type, null, c, ct)),
            HubSpotScopeProbe.SchemaWrite => (
                $"POST {_family.Path("/crm/properties/{version}/" + type + "/batch/create")}",
                (http, c, ct) => Api<IHubSpotPropertiesApi>(http).BatchCreateAsync(v, type, new PropertyBatchCreateRequestDto([]), c, ct)),
            HubSpotScopeProbe.CustomSchemaWrite => (
                $"POST {_family.Path("/crm-object-schemas/{version}/schemas")}",
                (http, c, ct) => Api<IHubSpotSchemasApi>(http).CreateEmptyAsync(v, new EmptyRequestDto(), c, ct)),
            _ => throw new ArgumentOutOfRangeException(nameof(requirement), requirement.Probe, "unknown probe"),
        };
    }

    /// <summary>Sends one call once; returns the answer, or why there was none in plain words.</summary>
    private async Task<(HttpResponseMessage? Response, string? Failure)> SendAsync(
        HubSpotApiFamily family, Func<HttpClient, HubSpotCall, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        // The named client's handlers (auth, and the rewrite for the configured family); a legacy family asked
        // explicitly gets its own rewrite in front. Neither is disposed here: the factory owns the chain, and the
        // rewrite holds nothing.
        var handler = _handlers.CreateHandler(HubSpotServiceCollectionExtensions.DiagnosticsClientName);
        HttpMessageHandler outer = family.IsLegacy && !_family.IsLegacy ? new LegacyPathHandler(family) { InnerHandler = handler } : handler;
        using var client = new HttpClient(outer, disposeHandler: false)
        {
            BaseAddress = _options.BaseAddress.AbsoluteUri.EndsWith('/') ? _options.BaseAddress : new Uri(_options.BaseAddress.AbsoluteUri + "/"),
            Timeout = CallTimeout(_options),
        };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("HubSpotPmoSync", "1.0"));
        try
        {
            var response = await send(client, new HubSpotCall("diagnostics", HubSpotBudget.General, Idempotent: true), cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return (response, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {CallTimeout(_options).TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e)
        {
            return (null, Describe(e));
        }
    }

    /// <summary>A Refit interface over the diagnostics' HttpClient, with the client's settings (HubSpotJsonContext, no reflection).</summary>
    private static T Api<T>(HttpClient client) => RestService.ForGenerated<T>(client, HubSpotServiceCollectionExtensions.CreateRefitSettings());

    /// <summary>Why a call got no answer, in the words an operator searches for.</summary>
    internal string Describe(HttpRequestException exception)
    {
        var socket = exception.InnerException as SocketException ?? exception.InnerException?.InnerException as SocketException;
        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"host name not found ({_options.BaseAddress.Host})",
            HttpRequestError.ConnectionError when socket?.SocketErrorCode == SocketError.ConnectionRefused => "connection refused",
            HttpRequestError.ConnectionError when socket?.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
            HttpRequestError.ConnectionError when socket?.SocketErrorCode == SocketError.TimedOut => "connection timed out",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ProxyTunnelError => "the proxy refused the connection",
            HttpRequestError.ResponseEnded => "the connection closed before an answer",
            _ => Redact(exception.Message) ?? "no answer",
        };
    }

    private static HubSpotTokenStatus TokenStatus(int status) => status switch
    {
        401 => HubSpotTokenStatus.Rejected,
        429 or >= 500 => HubSpotTokenStatus.Unknown,
        _ => HubSpotTokenStatus.Accepted,
    };

    private async Task<string?> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await HubSpotErrorBody.ReadAsync(response, cancellationToken);
        return $"{(int)response.StatusCode} {error.Category}: {Redact(error.Message) ?? response.ReasonPhrase}".Replace(" :", ":", StringComparison.Ordinal);
    }

    private string? Redact(string? text) =>
        text is null || string.IsNullOrEmpty(_options.AccessToken) ? text : text.Replace(_options.AccessToken, "***", StringComparison.Ordinal);
}
