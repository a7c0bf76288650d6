using HubSpotPmoSync.Core.Crm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotServiceCollectionExtensionsTests
{
    private static IHost CreateSut(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHubSpotClient(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task AddHubSpotClient_ValidSection_ResolvesPortsAndOneSharedCounter()
    {
        using var host = CreateSut(new() { ["HubSpot:AccessToken"] = "pat-na1-x" });
        await host.StartAsync();

        Assert.IsType<HubSpotClient>(host.Services.GetRequiredService<ICrmSource>());
        Assert.IsType<HubSpotClient>(host.Services.GetRequiredService<ICrmWriter>());
        Assert.Same(host.Services.GetRequiredService<ICrmUsage>(), host.Services.GetRequiredService<ICrmUsage>());
        Assert.Same(host.Services.GetRequiredService<HubSpotPmoSync.HubSpot.Http.HubSpotPipeline>(), host.Services.GetRequiredService<HubSpotPmoSync.HubSpot.Http.HubSpotPipeline>());
        var options = host.Services.GetRequiredService<IOptions<HubSpotOptions>>().Value;
        Assert.Equal(new Uri("https://api.hubapi.com"), options.BaseAddress);
        Assert.Equal(HubSpotTier.Pro, options.Tier);
        Assert.Equal(0.5, options.DailyQuotaShare);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddHubSpotClient_BadSection_FailsAtStartListingEveryProblemByKey()
    {
        using var host = CreateSut(new()
        {
            ["HubSpot:BaseAddress"] = "http://hubspot.example.com",
            ["HubSpot:DailyQuotaShare"] = "1.5",
            ["HubSpot:MaxConcurrency"] = "0",
            ["HubSpot:AttemptTimeout"] = "00:05:00",
            ["HubSpot:TotalTimeout"] = "00:01:00",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var text = string.Join("\n", error.Failures);
        Assert.Contains("HubSpot:AccessToken is required", text, StringComparison.Ordinal);
        Assert.Contains("HubSpot:DailyQuotaShare must be between", text, StringComparison.Ordinal);
        Assert.Contains("HubSpot:MaxConcurrency must be between", text, StringComparison.Ordinal);
        Assert.Contains("HubSpot:BaseAddress must use https", text, StringComparison.Ordinal);
        Assert.Contains("HubSpot:AttemptTimeout must not be longer than HubSpot:TotalTimeout", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHubSpotClient_UnknownTier_FailsAtStartNamingTheKey()
    {
        using var host = CreateSut(new() { ["HubSpot:AccessToken"] = "t", ["HubSpot:Tier"] = "platinum" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("HubSpot:Tier", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHubSpotClient_HttpOnLoopback_IsAllowedForTheEmulator()
    {
        using var host = CreateSut(new() { ["HubSpot:AccessToken"] = "t", ["HubSpot:BaseAddress"] = "http://127.0.0.1:5099" });

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task AddHubSpotClient_UnknownApiVersion_FailsAtStartNamingTheKeyAndTheValues()
    {
        using var host = CreateSut(new() { ["HubSpot:AccessToken"] = "t", ["HubSpot:ApiVersion"] = "v4" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("HubSpot:ApiVersion 'v4' is not a known API version: use 2026-03, 2026-09 or legacy.", error.Failures);
    }

    [Fact]
    public async Task AddHubSpotClient_ValidSection_ResolvesTheDiagnostics()
    {
        using var host = CreateSut(new() { ["HubSpot:AccessToken"] = "t" });
        await host.StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<HubSpotPmoSync.HubSpot.Diagnostics.IHubSpotDiagnostics>());
        await host.StopAsync();
    }
}
