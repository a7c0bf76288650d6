using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>
/// <c>--webhook-url</c> / <c>--webhook-secret</c>: the emulator posts changes to a real receiver on loopback as
/// HubSpot does — event shapes and names, batches of at most 100, v3 and v1 signatures, retries on a non-2xx answer
/// or after 5 s without one (on the emulator's clock), and the control API's list of deliveries and attempts.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private const string Secret = "emulator-webhook-secret";

    [Fact]
    public async Task Changes_ArriveSignedInHubSpotsShapes_ClassicForDeals_ObjectStarForProjects()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.WebhookUrl = receiver.Url; o.WebhookSecret = Secret; });

        var company = await emu.CreateAsync("companies", new { name = "Acme" });
        var deal = await emu.CreateAsync("deals", Http.Deal("Big one"));
        Assert.Equal(200, (await emu.Patch($"/crm/v3/objects/deals/{deal}", new { properties = new { amount = "1200" } })).Status);
        Assert.Equal(200, (await emu.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{company}")).Status);
        var project = await emu.CreateAsync("projects", new { hs_name = "Rollout", hs_pipeline = "default", hs_pipeline_stage = "planned" });
        Assert.Equal(204, (await emu.Delete($"/crm/v3/objects/deals/{deal}")).Status);

        var events = await receiver.WaitForEventsAsync(e => e.Str("subscriptionType") == "deal.deletion");

        Assert.All(receiver.Requests, r => Assert.True(r.SignedRight(Secret, receiver.Url), "a delivery's v3 or v1 signature does not verify"));
        Assert.Contains(events, e => e.Str("subscriptionType") == "company.creation" && Id(e, "objectId") == company && e.Str("changeFlag") == "NEW");
        Assert.Contains(events, e => e.Str("subscriptionType") == "deal.propertyChange" && Id(e, "objectId") == deal && e.Str("propertyName") == "amount" && e.Str("propertyValue") == "1200");
        Assert.Contains(events, e => e.Str("subscriptionType") == "deal.associationChange" && e.Str("associationType") == "DEAL_TO_COMPANY"
            && Id(e, "fromObjectId") == deal && Id(e, "toObjectId") == company && !e.GetProperty("associationRemoved").GetBoolean());
        Assert.Contains(events, e => e.Str("subscriptionType") == "company.associationChange" && e.Str("associationType") == "COMPANY_TO_DEAL");
        Assert.Contains(events, e => e.Str("subscriptionType") == "object.creation" && e.Str("objectTypeId") == "0-970" && Id(e, "objectId") == project);
        Assert.All(events, e =>
        {
            Assert.Equal(1234567, e.GetProperty("portalId").GetInt64());
            Assert.Equal(0, e.GetProperty("attemptNumber").GetInt32());
            Assert.True(e.GetProperty("eventId").GetInt64() > 0);
            Assert.True(e.GetProperty("occurredAt").GetInt64() > 0);
        });
    }

    [Fact]
    public async Task BulkEdit_250Records_BatchesOfAtMost100_EveryEventOnce()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.Seed = "scale:300"; o.WebhookUrl = receiver.Url; o.WebhookSecret = Secret; });

        emu.Control.BulkUpdate("deals", new Dictionary<string, string?> { ["amount"] = "777" }, count: 250);
        var events = await receiver.WaitForEventsAsync(_ => receiver.Events.Count >= 250);

        Assert.Equal(250, events.Count(e => e.Str("subscriptionType") == "deal.propertyChange" && e.Str("propertyValue") == "777"));
        Assert.Equal(250, events.Select(e => Id(e, "objectId")).Distinct().Count());
        Assert.All(receiver.Requests, r => Assert.InRange(r.Events.Count, 1, 100));
        Assert.True(receiver.Requests.Count >= 3);
    }

    [Fact]
    public async Task Non2xx_RetriedWithTheNextAttemptNumber_AndListedByTheControlApi()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answers.Enqueue(503);
        await using var emu = await EmulatorFixture.StartAsync(o => { o.WebhookUrl = receiver.Url; o.WebhookSecret = Secret; });

        var company = await emu.CreateAsync("companies", new { name = "Retry Ltd" });
        await receiver.WaitForRequestsAsync(2);

        Assert.Equal([0, 1], receiver.Requests.Select(r => r.Events.Single().GetProperty("attemptNumber").GetInt32()));
        Assert.Equal(company, Id(receiver.Requests[1].Events.Single(), "objectId"));
        var listed = await WaitAsync(async () =>
        {
            var r = await emu.Get("/__emulator/webhooks");
            var d = r.Body.GetProperty("deliveries").EnumerateArray().Single();
            return (d.Str("state") == "delivered", d);
        });
        Assert.Equal([503, 200], listed.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
        Assert.Equal(1, listed.GetProperty("events").GetInt32());
    }

    [Fact]
    public async Task NoAnswerWithin5s_OnTheEmulatorsClock_TimesOutAndIsRetried()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));
        await using var receiver = await Receiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = release.Task;
        await using var emu = await EmulatorFixture.StartAsync(o => { o.WebhookUrl = receiver.Url; o.WebhookSecret = Secret; o.TimeProvider = clock; });

        await emu.CreateAsync("companies", new { name = "Slow Co" });
        await receiver.WaitForRequestsAsync(1);
        receiver.Hold = null;
        clock.Advance(TimeSpan.FromSeconds(5));
        await WaitAsync(() => Task.FromResult((emu.Control.WebhookDeliveries().Single().Attempts is [{ Error: "timeout" }], true)));
        await WaitAsync(() =>
        {
            // The retry waits 1 s on the emulator's clock: move it until the second request arrives.
            clock.Advance(TimeSpan.FromMilliseconds(500));
            return Task.FromResult((receiver.Requests.Count >= 2, true));
        });
        release.SetResult();

        var delivery = await WaitAsync(() => Task.FromResult(emu.Control.WebhookDeliveries().Single() is var d && d.State == "delivered" ? (true, d) : (false, d)));
        Assert.Equal(["timeout", null], delivery.Attempts.Select(a => a.Error));
        Assert.Equal([null, 200], delivery.Attempts.Select(a => a.Status));
        Assert.Equal(1, receiver.Requests[1].Events.Single().GetProperty("attemptNumber").GetInt32());
    }

    [Fact]
    public async Task Merge_ArchivesTheMergedAway_MovesItsLinks_AndSendsOneMergeEvent()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.WebhookUrl = receiver.Url; o.WebhookSecret = Secret; o.WebhookStyle = "generic"; });
        var company = await emu.CreateAsync("companies", new { name = "Merge Co" });
        var keep = await emu.CreateAsync("deals", Http.Deal("Keep"));
        var gone = await emu.CreateAsync("deals", Http.Deal("Gone"));
        Assert.Equal(200, (await emu.Put($"/crm/v4/objects/deals/{gone}/associations/default/companies/{company}")).Status);

        var merged = await emu.Post("/__emulator/records/merge", new { objectType = "deals", primaryObjectId = keep, objectIdToMerge = gone });
        var events = await receiver.WaitForEventsAsync(e => e.Str("subscriptionType") == "object.merge");

        Assert.Equal(200, merged.Status);
        var merge = events.Single(e => e.Str("subscriptionType") == "object.merge");
        Assert.Equal(("0-3", keep, keep), (merge.Str("objectTypeId"), Id(merge, "objectId"), Id(merge, "primaryObjectId")));
        Assert.Equal([gone], merge.GetProperty("mergedObjectIds").EnumerateArray().Select(x => x.GetInt64().ToString(CultureInfo.InvariantCulture)));
        var state = emu.Control.ExportState();
        Assert.True(state.Objects["deals"].Single(d => d.Id == gone).Archived);
        Assert.Contains(state.Associations, a => a.FromType == "deals" && a.FromId == keep && a.ToId == company);
        Assert.DoesNotContain(state.Associations, a => a.FromId == gone || a.ToId == gone);
        Assert.Equal(404, (await emu.Post("/__emulator/records/merge", new { objectType = "deals", primaryObjectId = keep, objectIdToMerge = gone })).Status);
    }

    [Fact]
    public async Task SeedData_SendsNothing()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var emu = await EmulatorFixture.StartAsync(o => { o.Seed = "demo"; o.WebhookUrl = receiver.Url; o.WebhookSecret = Secret; });

        var marker = await emu.CreateAsync("companies", new { name = "After the seed" });
        var events = await receiver.WaitForEventsAsync(e => Id(e, "objectId") == marker);

        Assert.Single(events);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/hook", null, "--webhook-secret")]
    [InlineData(null, "s3cret", "--webhook-secret")]
    [InlineData("ftp://127.0.0.1/hook", "s3cret", "--webhook-url")]
    public void Options_UrlAndSecretGoTogether(string? url, string? secret, string named)
    {
        var options = new EmulatorOptions { WebhookUrl = url is null ? null : new Uri(url), WebhookSecret = secret };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith(named, e.Message, StringComparison.Ordinal);
    }

    private static string Id(JsonElement e, string name) => e.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture);

    private static async Task<T> WaitAsync<T>(Func<Task<(bool Found, T Value)>> probe)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var (found, value) = await probe();
            if (found)
            {
                return value;
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>One request the receiver got: its headers, raw body and events.</summary>
    private sealed record Received(IReadOnlyDictionary<string, string> Headers, byte[] Body, IReadOnlyList<JsonElement> Events)
    {
        /// <summary>Checks both signatures with HubSpot's published algorithms, computed here independently.</summary>
        public bool SignedRight(string secret, Uri url)
        {
            var timestamp = Headers["X-HubSpot-Request-Timestamp"];
            byte[] source = [.. Encoding.UTF8.GetBytes("POST" + url.OriginalString), .. Body, .. Encoding.UTF8.GetBytes(timestamp)];
            var v3 = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), source));
            var v1 = Convert.ToHexStringLower(SHA256.HashData((byte[])[.. Encoding.UTF8.GetBytes(secret), .. Body]));
            return Headers["X-HubSpot-Signature-v3"] == v3 && Headers["X-HubSpot-Signature"] == v1 && Headers["X-HubSpot-Signature-Version"] == "v1";
        }
    }

    /// <summary>A webhook receiver on a free loopback port: records every request; answers from <see cref="Answers"/> (then 200).</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<Received> _requests = [];
        private readonly SemaphoreSlim _arrived = new(0);

        private Receiver(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public ConcurrentQueue<int> Answers { get; } = new();

        /// <summary>While set, a request waits for it before answering.</summary>
        public Task? Hold { get; set; }

        public IReadOnlyList<Received> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public IReadOnlyList<JsonElement> Events => [.. Requests.SelectMany(r => r.Events)];

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hooks/hubspot", receiver.HandleAsync);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            receiver.Url = new Uri(new Uri(address), "/hooks/hubspot");
            return receiver;
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            using var json = JsonDocument.Parse(body);
            var events = json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var hold = Hold;
            lock (_requests)
            {
                _requests.Add(new Received(headers, body, events));
            }

            _arrived.Release();
            if (hold is not null)
            {
                await hold;
            }

            context.Response.StatusCode = Answers.TryDequeue(out var status) ? status : 200;
        }

        public async Task WaitForRequestsAsync(int count)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (Requests.Count < count)
            {
                await _arrived.WaitAsync(deadline.Token);
            }
        }

        /// <summary>Waits until an event satisfies <paramref name="last"/>; returns every event so far.</summary>
        public async Task<IReadOnlyList<JsonElement>> WaitForEventsAsync(Func<JsonElement, bool> last)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!Events.Any(last))
            {
                await _arrived.WaitAsync(deadline.Token);
            }

            return Events;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _arrived.Dispose();
        }
    }
}
