using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Testing.Http;

/// <summary>
/// A plain HTTP reverse proxy on a free loopback port that forwards every request unchanged to one upstream (the
/// emulator) and records its method and path: what the worker really sends on the wire, seen from outside the worker.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly Func<ProxiedRequest, TimeSpan>? _delay;

    private CountingProxy(WebApplication app, HttpClient upstream, Func<ProxiedRequest, TimeSpan>? delay)
    {
        _app = app;
        _upstream = upstream;
        _delay = delay;
    }

    /// <summary>Where clients send their requests (http://127.0.0.1:PORT/).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request forwarded so far, in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Requests => [.. _requests];

    /// <param name="upstream">Where requests are forwarded.</param>
    /// <param name="delay">
    /// When given, each request is held this long before it is forwarded (a network's round trip in front of the
    /// emulator); requests are held side by side, a slow one never blocks another.
    /// </param>
    public static async Task<CountingProxy> StartAsync(Uri upstream, Func<ProxiedRequest, TimeSpan>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = upstream,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var proxy = new CountingProxy(app, client, delay);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        proxy.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return proxy;
    }

    /// <summary>Forgets the requests recorded so far.</summary>
    public void Clear() => _requests.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        var request = new ProxiedRequest(incoming.Method, incoming.Path.Value ?? "/", incoming.QueryString.Value ?? string.Empty);
        _requests.Enqueue(request);
        if (_delay?.Invoke(request) is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        using var outgoing = new HttpRequestMessage(new HttpMethod(incoming.Method), (incoming.Path.Value ?? "/").TrimStart('/') + incoming.QueryString.Value);
        if (incoming.ContentLength is > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await incoming.Body.CopyToAsync(body, context.RequestAborted);
            body.Position = 0;
            outgoing.Content = new StreamContent(body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var answer = await _upstream.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}

/// <summary>One request seen by <see cref="CountingProxy"/>: method, path (no query) and query string.</summary>
public sealed record ProxiedRequest(string Method, string Path, string Query)
{
    public override string ToString() => $"{Method} {Path}{Query}";
}
