using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Emulator;
using Xunit;

namespace HubSpotPmoSync.Testing.Emulator;

/// <summary>
/// Starts a <see cref="HubSpotEmulator"/> on a free loopback port for a test, with an authenticated
/// <see cref="HttpClient"/>. Use as an xunit class fixture (<c>IClassFixture&lt;EmulatorFixture&gt;</c>) or per test
/// with <c>await using var emu = await EmulatorFixture.StartAsync(o =&gt; o.Seed = "demo");</c>.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly Action<EmulatorOptions>? _configure;
    private HubSpotEmulator? _emulator;
    private HttpClient? _client;

    public EmulatorFixture()
        : this(null)
    {
    }

    public EmulatorFixture(Action<EmulatorOptions>? configure) => _configure = configure;

    public EmulatorOptions Options { get; } = new();

    public HubSpotEmulator Emulator => _emulator ?? throw new InvalidOperationException("the emulator is not started");

    public EmulatorControl Control => Emulator.Control;

    public Uri BaseAddress => Emulator.BaseAddress;

    /// <summary>A client sending the configured bearer token.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("the emulator is not started");

    public static async Task<EmulatorFixture> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var fixture = new EmulatorFixture(configure);
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        _configure?.Invoke(Options);
        _emulator = await HubSpotEmulator.StartAsync(Options);
        _client = CreateClient(Options.Token);
    }

    /// <summary>A new client for this emulator with the given bearer token (null: no Authorization header).</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = new HttpClient { BaseAddress = Emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Sends a request with an optional JSON body (an object to serialize, or a raw string) and parses the answer.</summary>
    public Task<EmulatorResponse> SendAsync(HttpMethod method, string path, object? body = null) => SendAsync(Client, method, path, body);

    public static async Task<EmulatorResponse> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var text = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        JsonElement? json = null;
        if (raw.Length > 0)
        {
            using var doc = JsonDocument.Parse(raw);
            json = doc.RootElement.Clone();
        }

        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new EmulatorResponse((int)response.StatusCode, json, raw, headers);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}

/// <summary>An emulator answer: status, parsed JSON (null when the body is empty), raw text and headers.</summary>
public sealed record EmulatorResponse(int Status, JsonElement? Json, string Raw, IReadOnlyDictionary<string, string> Headers)
{
    public JsonElement Body => Json ?? throw new InvalidOperationException($"empty body (status {Status})");

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public override string ToString() => $"{Status} {Raw}";
}
