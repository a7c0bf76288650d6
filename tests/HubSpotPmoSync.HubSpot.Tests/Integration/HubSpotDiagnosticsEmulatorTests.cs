using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.HubSpot.Tests.Integration;

/// <summary>The diagnostics port against the real emulator over HTTP on 127.0.0.1.</summary>
public sealed class HubSpotDiagnosticsEmulatorTests
{
    private static Task<HubSpotEmulator> StartEmulatorAsync(long? dailyQuota = null) =>
        HubSpotEmulator.StartAsync(new EmulatorOptions { Token = HubSpotTestHost.Token, Seed = "demo", DailyQuota = dailyQuota });

    private static HubSpotTestHost CreateSut(HubSpotEmulator emulator, string version, string? token = null)
    {
        var settings = new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = version };
        if (token is not null)
        {
            settings["HubSpot:AccessToken"] = token;
        }

        return new HubSpotTestHost(primary: null, settings, baseAddress: emulator.BaseAddress);
    }

    [Theory]
    [InlineData("2026-03")]
    [InlineData("2026-09")]
    [InlineData("legacy")]
    public async Task PingAsync_EachFamily_ServedAndTokenAccepted(string version)
    {
        await using var emulator = await StartEmulatorAsync();
        using var host = CreateSut(emulator, version);

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.True(ping.Reachable, ping.ToString());
        Assert.Equal(200, ping.StatusCode);
        Assert.Equal(HubSpotTokenStatus.Accepted, ping.Token);
        Assert.Equal(HubSpotVersionStatus.Served, ping.Version);
        Assert.NotNull(ping.ServerDate);
    }

    [Fact]
    public async Task PingAsync_WrongToken_Rejected()
    {
        await using var emulator = await StartEmulatorAsync();
        using var host = CreateSut(emulator, "2026-03", token: "pat-na1-not-the-token");

        var ping = await host.Diagnostics.PingAsync(CancellationToken.None);

        Assert.Equal(HubSpotTokenStatus.Rejected, ping.Token);
        Assert.Equal(401, ping.StatusCode);
    }

    [Fact]
    public async Task CheckScopesAsync_TokenWithEveryScope_AllPresentAndNothingCreated()
    {
        await using var emulator = await StartEmulatorAsync();
        using var host = CreateSut(emulator, "2026-03");
        var before = emulator.Control.ExportState();

        var checks = await host.Diagnostics.CheckScopesAsync(HubSpotScopes.Required(TestMappings.Default, forSchemaApply: true), CancellationToken.None);

        Assert.NotEmpty(checks);
        Assert.All(checks, c => Assert.True(c.Status == HubSpotScopeStatus.Present, c.ToString()));
        var after = emulator.Control.ExportState();
        Assert.Equal(before.Objects.Sum(o => o.Value.Count), after.Objects.Sum(o => o.Value.Count));
    }

    [Theory]
    [InlineData("2026-03")]
    [InlineData("legacy")]
    public async Task GetDailyUsageAsync_ReadsThePortalsUsage(string version)
    {
        await using var emulator = await StartEmulatorAsync(dailyQuota: 500_000);
        using var host = CreateSut(emulator, version);
        await host.Diagnostics.PingAsync(CancellationToken.None);

        var usage = await host.Diagnostics.GetDailyUsageAsync(CancellationToken.None);

        Assert.NotNull(usage);
        Assert.Equal(500_000, usage.UsageLimit);
        Assert.True(usage.CurrentUsage >= 1, usage.ToString());
        Assert.Equal(version != "legacy", usage.ResetsAt is not null); // the dated family adds resetsAt
    }
}
