using System.Net;
using HubSpotPmoSync.Emulator.Api;
using HubSpotPmoSync.Emulator.Runtime;
using HubSpotPmoSync.Emulator.Seed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Emulator;

/// <summary>A stateful HubSpot CRM emulator served by Kestrel on 127.0.0.1.</summary>
public sealed class HubSpotEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubSpotEmulator(WebApplication app, Uri baseAddress, EmulatorControl control)
    {
        _app = app;
        BaseAddress = baseAddress;
        Control = control;
    }

    /// <summary>Gets the root URL, <c>http://127.0.0.1:PORT</c> (no trailing slash path).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the in-process equivalent of the <c>/__emulator</c> control API.</summary>
    public EmulatorControl Control { get; }

    /// <summary>Validates the options, seeds, starts Kestrel on 127.0.0.1 and returns once the emulator answers.</summary>
    public static async Task<HubSpotEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();

        // The emulator runs inside other processes (tests, the worker's demo): their appsettings.json and ASPNETCORE_*
        // variables (URLs, Kestrel endpoints, log levels) must not reach it.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);

        // A start failure (e.g. the port in use) reaches the caller as an exception; the host's own log of it is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            k.AddServerHeader = false;
        });
        var app = builder.Build();

        var clock = new EmulatorClock(options.TimeProvider ?? TimeProvider.System);
        var runtime = new EmulatorRuntime(options, clock, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HubSpotPmoSync.Emulator"));
        var propertiesApi = new PropertiesApi(runtime);
        var control = new EmulatorControl(runtime, new SeedGenerator(runtime.Store, propertiesApi));
        control.Seed(options.Seed);

        app.UseRouting();
        app.Use((ctx, next) => Routes.UnmatchedAsync(ctx, runtime, () => next(ctx)));
        Routes.Map(app, runtime, control, propertiesApi);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var emulator = new HubSpotEmulator(app, new Uri($"http://127.0.0.1:{port}"), control);
        await emulator.WaitUntilAnsweringAsync(cancellationToken);
        return emulator;
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/__emulator/health", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 50)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Control.DisposeWebhooksAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
