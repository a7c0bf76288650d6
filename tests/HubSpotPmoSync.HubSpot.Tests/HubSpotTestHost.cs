using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Http;
using HubSpotPmoSync.Testing.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.HubSpot.Tests;

/// <summary>
/// The HubSpot client wired exactly as <c>AddHubSpotClient</c> wires it, with a stub (or real) primary handler,
/// a fake clock and a capturing logger.
/// </summary>
internal sealed class HubSpotTestHost : IDisposable
{
    public const string Token = "pat-na1-test-secret0token-11112222333344445555";

    private readonly ServiceProvider _provider;

    public HubSpotTestHost(
        HttpMessageHandler? primary,
        IDictionary<string, string?>? settings = null,
        TimeProvider? timeProvider = null,
        Uri? baseAddress = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = (baseAddress ?? new Uri("https://api.hubapi.com")).ToString(),
            ["HubSpot:AccessToken"] = Token,
            ["HubSpot:Tier"] = "unlimited",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        Time = timeProvider as FakeTimeProvider;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddHubSpotClient(new ConfigurationBuilder().AddInMemoryCollection(config).Build());
        if (primary is not null)
        {
            // Every Refit interface sends through the one named client; the diagnostics through their own.
            services.AddHttpClient(HubSpotServiceCollectionExtensions.ClientName).ConfigurePrimaryHttpMessageHandler(() => primary);
            services.AddHttpClient(HubSpotServiceCollectionExtensions.DiagnosticsClientName).ConfigurePrimaryHttpMessageHandler(() => primary);
        }

        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeLogCollector Logs { get; } = new();

    public FakeTimeProvider? Time { get; }

    public ICrmSource Source => _provider.GetRequiredService<ICrmSource>();

    public ICrmWriter Writer => _provider.GetRequiredService<ICrmWriter>();

    public ICrmUsage Usage => _provider.GetRequiredService<ICrmUsage>();

    public IHubSpotDiagnostics Diagnostics => _provider.GetRequiredService<IHubSpotDiagnostics>();

    internal HubSpotClient Client => _provider.GetRequiredService<HubSpotClient>();

    public HubSpotRateLimiter Limiter => _provider.GetRequiredService<HubSpotRateLimiter>();

    public IServiceProvider Services => _provider;

    /// <summary>Runs a call to completion, moving the fake clock whenever the call is waiting on a timer.</summary>
    public async Task<T> DriveAsync<T>(Func<Task<T>> call, TimeSpan? step = null, int maxSteps = 20_000)
    {
        var task = Task.Run(call);
        await DriveUntilAsync(task, step ?? TimeSpan.FromMilliseconds(100), maxSteps);
        return await task;
    }

    public async Task DriveAsync(Func<Task> call, TimeSpan? step = null, int maxSteps = 20_000)
    {
        var task = Task.Run(call);
        await DriveUntilAsync(task, step ?? TimeSpan.FromMilliseconds(100), maxSteps);
        await task;
    }

    public void Dispose() => _provider.Dispose();

    private async Task DriveUntilAsync(Task task, TimeSpan step, int maxSteps)
    {
        if (Time is null)
        {
            return;
        }

        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            // Let the call run until it blocks on a timer (or finishes), then move the clock.
            await Task.WhenAny(task, Task.Delay(2));
            if (!task.IsCompleted)
            {
                Time.Advance(step);
            }
        }
    }
}
