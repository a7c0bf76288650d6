using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HubSpotPmoSync.Emulator.Model;

namespace HubSpotPmoSync.Emulator.Runtime;

/// <summary>
/// Delivers the portal's changes to a webhook URL the way HubSpot does (API-FACTS §12): JSON arrays of at most
/// <see cref="MaxBatch"/> events, up to <see cref="MaxInFlight"/> requests in flight, each signed with v3
/// (<c>X-HubSpot-Signature-v3</c> + <c>X-HubSpot-Request-Timestamp</c>) and v1 (<c>X-HubSpot-Signature</c>). A
/// delivery that fails (connection error, any status outside 2xx, no answer within <see cref="AttemptTimeout"/>) is
/// retried up to <see cref="MaxRetries"/> times, with <c>attemptNumber</c> counting up. Timeouts and retry delays run
/// on the clock under the emulator's (a test's fake clock drives them).
/// </summary>
internal sealed class WebhookDispatcher : IAsyncDisposable
{
    public const int MaxBatch = 100;

    public const int MaxInFlight = 10;

    public const int MaxRetries = 10;

    public const long AppId = 4_200_001;

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries kept for the control API.</summary>
    private const int KeptDeliveries = 10_000;

    private static readonly HashSet<string> ClassicTypeIds = new(StringComparer.Ordinal) { "0-1", "0-2", "0-3", "0-5", "0-7", "0-8" };

    private readonly EmulatorClock _clock;
    private readonly long _portalId;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<JsonObject> _queue = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly CancellationTokenSource _stop = new();
    private readonly LinkedList<Delivery> _deliveries = new();
    private readonly Dictionary<string, long> _subscriptions = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly Task _loop;
    private Target? _target;
    private long _nextEventId;
    private long _nextDeliveryId;
    private int _inFlight;

    public WebhookDispatcher(EmulatorClock clock, long portalId)
    {
        _clock = clock;
        _portalId = portalId;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Where deliveries go (null: nowhere; changes are not queued).</summary>
    public Uri? Url => Volatile.Read(ref _target)?.Url;

    /// <summary>Event naming: <c>mixed</c> (classic <c>deal.propertyChange</c> names where HubSpot has them, <c>object.*</c> otherwise) or <c>generic</c> (<c>object.*</c> for all).</summary>
    public string Style => Volatile.Read(ref _target)?.Style ?? "mixed";

    /// <summary>Starts (or, with a null URL, stops) delivering; queued events go to the new target.</summary>
    public void Configure(Uri? url, string? secret, string style = "mixed")
    {
        if (url is not null && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"--webhook-url: '{url}' is not an http(s) URL", nameof(url));
        }

        if (url is not null && string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("--webhook-secret: required with --webhook-url (the app's client secret signs every delivery)", nameof(secret));
        }

        if (style is not ("mixed" or "generic"))
        {
            throw new ArgumentException($"webhook style '{style}' is not mixed or generic", nameof(style));
        }

        Volatile.Write(ref _target, url is null ? null : new Target(url, secret!, style));
    }

    /// <summary>Queues the events of one store change (called under the store's write lock).</summary>
    public void OnChange(StoreChange change)
    {
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            return;
        }

        _queue.Enqueue(EventOf(change, target.Style));
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // The loop is already awake.
        }
    }

    /// <summary>Every delivery kept (newest last), with its attempts.</summary>
    public IReadOnlyList<WebhookDeliveryInfo> Deliveries()
    {
        lock (_gate)
        {
            return [.. _deliveries.Select(d => d.Info())];
        }
    }

    /// <summary>Events queued and not yet in a delivery, plus deliveries still being tried.</summary>
    public (int Queued, int InFlight) Backlog => (_queue.Count, Volatile.Read(ref _inFlight));

    public void ClearDeliveries()
    {
        lock (_gate)
        {
            _deliveries.Clear();
        }
    }

    private async Task LoopAsync()
    {
        var stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _signal.WaitAsync(stop).ConfigureAwait(false);
                while (!_queue.IsEmpty)
                {
                    // While every slot is busy, events gather: batches grow as HubSpot's do under load.
                    await _slots.WaitAsync(stop).ConfigureAwait(false);
                    var events = new List<JsonObject>(MaxBatch);
                    while (events.Count < MaxBatch && _queue.TryDequeue(out var e))
                    {
                        events.Add(e);
                    }

                    if (events.Count == 0 || Volatile.Read(ref _target) is not { } target)
                    {
                        _slots.Release();
                        continue;
                    }

                    var delivery = new Delivery(Interlocked.Increment(ref _nextDeliveryId), _clock.GetUtcNow(), events);
                    lock (_gate)
                    {
                        _deliveries.AddLast(delivery);
                        if (_deliveries.Count > KeptDeliveries)
                        {
                            _deliveries.RemoveFirst();
                        }
                    }

                    Interlocked.Increment(ref _inFlight);
                    _ = DeliverAsync(delivery, target, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task DeliverAsync(Delivery delivery, Target target, CancellationToken stop)
    {
        try
        {
            for (var attempt = 0; attempt <= MaxRetries && !stop.IsCancellationRequested; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(RetryDelay(attempt), _clock.Inner, stop).ConfigureAwait(false);
                }

                var (status, error) = await SendAsync(delivery, target, attempt, stop).ConfigureAwait(false);
                lock (_gate)
                {
                    delivery.Attempts.Add(new WebhookAttemptInfo(attempt, _clock.GetUtcNow(), status, error));
                }

                if (status is >= 200 and < 300)
                {
                    delivery.State = "delivered";
                    return;
                }
            }

            delivery.State = "failed";
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            delivery.State = "stopped";
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private async Task<(int? Status, string? Error)> SendAsync(Delivery delivery, Target target, int attempt, CancellationToken stop)
    {
        var array = new JsonArray();
        foreach (var e in delivery.Events)
        {
            var copy = (JsonObject)e.DeepClone();
            copy["attemptNumber"] = attempt;
            array.Add(copy);
        }

        var body = Encoding.UTF8.GetBytes(array.ToJsonString());
        var timestamp = _clock.NowMs.ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-HubSpot-Signature-v3", SignV3(target.Secret, "POST", target.Url.OriginalString, body, timestamp));
        request.Headers.TryAddWithoutValidation("X-HubSpot-Request-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-HubSpot-Signature", SignV1(target.Secret, body));
        request.Headers.TryAddWithoutValidation("X-HubSpot-Signature-Version", "v1");
        request.Headers.TryAddWithoutValidation("User-Agent", "HubSpot Connect 2.0 (http://dev.hubspot.com/)");

        using var timeout = new CancellationTokenSource(AttemptTimeout, _clock.Inner);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stop);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            return (null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return (null, e.HttpRequestError == HttpRequestError.ConnectionError ? "connection failed" : "request failed: " + e.Message);
        }
    }

    /// <summary>1 s, 2 s, 4 s … capped at a minute (HubSpot spreads its ten retries over a day).</summary>
    internal static TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, attempt - 1)));

    /// <summary>v3: base64(HMAC-SHA256(secret, method + URI + body + timestamp)), the URI's listed escapes decoded.</summary>
    internal static string SignV3(string secret, string method, string uri, byte[] body, string timestamp)
    {
        foreach (var (escape, character) in new[]
        {
            ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"), ("%27", "'"),
            ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
        })
        {
            uri = uri.Replace(escape, character, StringComparison.OrdinalIgnoreCase);
        }

        var head = Encoding.UTF8.GetBytes(method + uri);
        var tail = Encoding.UTF8.GetBytes(timestamp);
        byte[] source = [.. head, .. body, .. tail];
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), source));
    }

    /// <summary>v1: hex SHA-256 of secret + body.</summary>
    internal static string SignV1(string secret, byte[] body) =>
        Convert.ToHexStringLower(SHA256.HashData((byte[])[.. Encoding.UTF8.GetBytes(secret), .. body]));

    private JsonObject EventOf(StoreChange change, string style)
    {
        var action = change.Kind switch
        {
            StoreChangeKind.Creation => "creation",
            StoreChangeKind.Deletion => "deletion",
            StoreChangeKind.PropertyChange => "propertyChange",
            StoreChangeKind.AssociationChange => "associationChange",
            StoreChangeKind.Merge => "merge",
            _ => "restore",
        };
        var classic = style == "mixed" && ClassicTypeIds.Contains(change.Type.ObjectTypeId);
        var type = classic ? $"{change.Type.Singular}.{action}" : $"object.{action}";
        var e = new JsonObject
        {
            ["eventId"] = Interlocked.Increment(ref _nextEventId),
            ["subscriptionId"] = SubscriptionId(type + "/" + change.Type.ObjectTypeId),
            ["portalId"] = _portalId,
            ["appId"] = AppId,
            ["occurredAt"] = change.OccurredAt,
            ["subscriptionType"] = type,
            ["attemptNumber"] = 0,
            ["objectId"] = change.ObjectId,
            ["changeSource"] = change.ChangeSource,
        };
        if (!classic)
        {
            e["objectTypeId"] = change.Type.ObjectTypeId;
        }

        switch (change.Kind)
        {
            case StoreChangeKind.Creation:
                e["changeFlag"] = "NEW";
                break;
            case StoreChangeKind.Deletion:
                e["changeFlag"] = "DELETED";
                break;
            case StoreChangeKind.PropertyChange:
                e["propertyName"] = change.PropertyName;
                e["propertyValue"] = change.PropertyValue ?? string.Empty;
                break;
            case StoreChangeKind.AssociationChange:
                e["associationType"] = $"{change.Type.Singular.ToUpperInvariant()}_TO_{change.ToType!.Singular.ToUpperInvariant()}";
                e["fromObjectId"] = change.ObjectId;
                e["toObjectId"] = change.ToId;
                e["associationRemoved"] = change.AssociationRemoved;
                e["isPrimaryAssociation"] = change.IsPrimaryAssociation;
                if (!classic)
                {
                    e["fromObjectTypeId"] = change.Type.ObjectTypeId;
                    e["toObjectTypeId"] = change.ToType.ObjectTypeId;
                }

                break;
            case StoreChangeKind.Merge:
                e["primaryObjectId"] = change.ObjectId;
                e["newObjectId"] = change.ObjectId;
                e["mergedObjectIds"] = new JsonArray([.. change.MergedIds.Select(id => (JsonNode)id)]);
                e["numberOfPropertiesMoved"] = change.PropertiesMoved;
                break;
        }

        return e;
    }

    private long SubscriptionId(string key)
    {
        lock (_subscriptions)
        {
            if (!_subscriptions.TryGetValue(key, out var id))
            {
                _subscriptions[key] = id = 900_001 + _subscriptions.Count;
            }

            return id;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private sealed record Target(Uri Url, string Secret, string Style);

    private sealed class Delivery(long id, DateTimeOffset createdAt, List<JsonObject> events)
    {
        public long Id { get; } = id;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public List<JsonObject> Events { get; } = events;

        public List<WebhookAttemptInfo> Attempts { get; } = [];

        public volatile string State = "pending";

        public WebhookDeliveryInfo Info() => new(Id, CreatedAt, Events.Count, State, [.. Attempts], [.. Events.Select(e => e["subscriptionType"]!.GetValue<string>()).Distinct()]);
    }
}
