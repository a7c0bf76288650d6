using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Commands;
using HubSpotPmoSync.Worker.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HubSpotPmoSync.Worker.Tests.Webhooks;

/// <summary>
/// <c>POST /webhooks/hubspot</c> on <c>run</c>'s real host (Kestrel on a free loopback port, a fresh SQLite file, a
/// fixed clock): what each kind of delivery is answered, and what the inbox holds afterwards.
/// </summary>
public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private const string Secret = "a3f1c6de-0c29-4b5e-9a57-3f1f7f0f0e11";
    private const string Password = "correct horse battery";
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-webhooks-");
    private readonly FakeTimeProvider _clock = new(Now);
    private IHost _host = null!;
    private HttpClient _client = null!;
    private Uri _url = null!;

    private string Database => Path.Combine(_dir.FullName, "run.db");

    public async Task InitializeAsync()
    {
        _host = RunCommand.BuildHost(new CommandEnvironment(TextWriter.Null, TextWriter.Null, new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["HubSpot:MaxRetryAttempts"] = "0",
            ["Storage:DatabasePath"] = Database,
            ["Schedule:IncrementalEvery"] = "01:00:00",
            ["Schedule:ReconcileCron"] = "0 0 2 1 1 ? 2099",
            ["Http:Urls"] = "http://0.0.0.0:0",
            ["Http:Password"] = Password,
            ["Webhooks:ClientSecret"] = Secret,
        }, _clock));
        await _host.StartAsync();
        var address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        _client = new HttpClient { BaseAddress = address };
        _url = new Uri(address, WebhookOptions.Path);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task GoodBatch_Stored_200_AndAResendIsHarmless()
    {
        var body = Events(("deal.propertyChange", 101, 1), ("company.creation", 202, 2), ("object.creation", 303, 3));

        var first = await PostAsync(body, Now);
        var resent = await PostAsync(body.Replace("\"attemptNumber\":0", "\"attemptNumber\":1", StringComparison.Ordinal), Now.AddSeconds(30));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(["101", "202", "303"], InboxObjectIds());
    }

    [Fact]
    public async Task BadSignature_401_NothingStored()
    {
        var body = Events(("deal.propertyChange", 101, 1));

        var response = await PostAsync(body, Now, sign: (b, ts) => HubSpotSignature.V3("another secret", "POST", _url.ToString(), Encoding.UTF8.GetBytes(b), ts));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Empty(InboxObjectIds());
    }

    [Fact]
    public async Task MissingSignature_401_NothingStored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookOptions.Path) { Content = new StringContent(Events(("deal.creation", 1, 1)), Encoding.UTF8, "application/json") };

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(InboxObjectIds());
    }

    [Fact]
    public async Task StaleTimestamp_401_EvenWhenSignedRight_NothingStored()
    {
        var response = await PostAsync(Events(("deal.creation", 1, 1)), Now - TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        var justInTime = await PostAsync(Events(("deal.creation", 2, 2)), Now - TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, justInTime.StatusCode);
        Assert.Equal(["2"], InboxObjectIds());
    }

    [Fact]
    public async Task TenMegabyteBody_413_NothingStored()
    {
        var huge = "[" + string.Join(',', Enumerable.Repeat("{\"subscriptionType\":\"deal.creation\",\"objectId\":1,\"occurredAt\":1,\"pad\":\"" + new string('x', 1000) + "\"}", 10_000)) + "]";
        Assert.True(huge.Length > 10_000_000);

        // As curl sends a large body: Expect: 100-continue, so the answer comes before the body is sent (Kestrel asks for
        // the body only when the endpoint reads it, and it reads none beyond the Content-Length check).
        var response = await PostAsync(huge, Now, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(InboxObjectIds());
    }

    [Fact]
    public async Task MalformedJson_400_NothingStored()
    {
        var response = await PostAsync("[{\"subscriptionType\":\"deal.creation\",\"objectId\":1,", Now);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(InboxObjectIds());
    }

    [Fact]
    public async Task UnknownSubscriptionType_AcceptedAndDropped_NothingStored()
    {
        var response = await PostAsync(Events(("conversation.newMessage", 5, 1), ("deal.teleported", 6, 2)), Now);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(InboxObjectIds());
    }

    /// <summary>
    /// Bound beyond loopback with Http:Password: a request from another machine (here: through a proxy) reaches the
    /// webhook without the credential and is judged by its signature; every other route still wants the password.
    /// </summary>
    [Fact]
    public async Task Guard_FromAnotherMachine_WebhookNeedsOnlyItsSignature_EverythingElseThePassword()
    {
        var signed = await PostAsync(Events(("deal.creation", 7, 1)), Now, forwarded: true);
        var unsigned = await PostAsync(Events(("deal.creation", 8, 2)), Now, forwarded: true, sign: (_, _) => "bm90IGEgc2lnbmF0dXJl");

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Empty(unsigned.Headers.WwwAuthenticate);
        Assert.Equal(["7"], InboxObjectIds());
        foreach (var (method, path) in new[] { ("GET", "/"), ("GET", "/status"), ("GET", "/budget"), ("GET", WebhookOptions.Path), ("POST", "/"), ("GET", "/nowhere") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add("X-Forwarded-For", "198.51.100.4");
            var response = await _client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task Metrics_EventsByOutcome_AndTheInboxAge()
    {
        var meters = _host.Services.GetRequiredService<IMeterFactory>();
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        double age = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name is "pmosync.webhook.events" or "pmosync.webhook.inbox.age")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    counts.AddOrUpdate((string)tag.Value!, value, (_, total) => total + value);
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => age = value);
        listener.Start();
        var body = Events(("deal.creation", 11, 1), ("deal.creation", 12, 2));

        await PostAsync(body, Now);
        await PostAsync(body, Now);
        await PostAsync(body, Now, sign: (_, _) => "bm90IGEgc2lnbmF0dXJl");
        await PostAsync(Events(("conversation.creation", 13, 3)), Now);
        _clock.Advance(TimeSpan.FromSeconds(30));
        listener.RecordObservableInstruments();

        Assert.Equal(2, counts.GetValueOrDefault("received"));
        Assert.Equal(2, counts.GetValueOrDefault("duplicate"));
        Assert.Equal(2, counts.GetValueOrDefault("rejected"));
        Assert.Equal(30, age);
    }

    private async Task<HttpResponseMessage> PostAsync(string body, DateTimeOffset at, Func<string, string, string>? sign = null, bool forwarded = false, bool expectContinue = false)
    {
        var timestamp = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var signature = sign?.Invoke(body, timestamp) ?? HubSpotSignature.V3(Secret, "POST", _url.ToString(), Encoding.UTF8.GetBytes(body), timestamp);
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookOptions.Path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-HubSpot-Signature-v3", signature);
        request.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        if (forwarded)
        {
            request.Headers.Add("X-Forwarded-For", "198.51.100.4");
        }

        request.Headers.ExpectContinue = expectContinue;
        return await _client.SendAsync(request);
    }

    private static string Events(params (string Type, long ObjectId, long EventId)[] events) =>
        "[" + string.Join(',', events.Select(e =>
            $"{{\"eventId\":{e.EventId},\"subscriptionId\":77,\"portalId\":1234567,\"appId\":42,\"occurredAt\":{Now.ToUnixTimeMilliseconds()},\"subscriptionType\":\"{e.Type}\",\"attemptNumber\":0,\"objectId\":{e.ObjectId},\"changeSource\":\"CRM\""
            + (e.Type.StartsWith("object.", StringComparison.Ordinal) ? ",\"objectTypeId\":\"0-3\"" : string.Empty)
            + (e.Type.EndsWith("propertyChange", StringComparison.Ordinal) ? ",\"propertyName\":\"amount\",\"propertyValue\":\"10\"" : string.Empty)
            + "}")) + "]";

    private List<string> InboxObjectIds()
    {
        if (!File.Exists(Database))
        {
            return [];
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();

        // The scheduled cycle may be creating the file right now: no inbox table yet holds nothing.
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'webhook_inbox';";
        if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return [];
        }

        cmd.CommandText = "SELECT object_id FROM webhook_inbox ORDER BY CAST(object_id AS INTEGER);";
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
