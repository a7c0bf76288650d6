using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.HubSpot.Tests.Integration;

/// <summary>The diagnostics port against the real emulator over HTTP on 127.0.0.1.</summary>
public sealed class HubSpotDiagnosticsEmulatorTests
{
    private static Task<HubSpotEmulator> StartEmulatorAsync(long? dailyQuota = null, IReadOnlyCollection<string>? scopes = null) =>
        HubSpotEmulator.StartAsync(new EmulatorOptions { Token = HubSpotTestHost.Token, Seed = "demo", DailyQuota = dailyQuota, Scopes = scopes });

    private static string[] AllScopesBut(string scope) => [.. EmulatorOptions.KnownScopes.Where(s => s != scope)];

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

    [Theory]
    [InlineData("2026-03", "crm.objects.deals.write")]
    [InlineData("2026-03", "tickets")]
    [InlineData("2026-09", "crm.schemas.deals.write")]
    [InlineData("legacy", "crm.schemas.projects.read")]
    public async Task CheckScopesAsync_TokenLackingOneScope_ThatOneMissingTheOthersPresent(string version, string lacking)
    {
        await using var emulator = await StartEmulatorAsync(scopes: AllScopesBut(lacking));
        using var host = CreateSut(emulator, version);

        var checks = await host.Diagnostics.CheckScopesAsync(HubSpotScopes.Required(TestMappings.Default, forSchemaApply: true), CancellationToken.None);

        var missing = Assert.Single(checks, c => c.Status != HubSpotScopeStatus.Present);
        Assert.Equal((lacking, HubSpotScopeStatus.Missing), (missing.Scope, missing.Status));
        Assert.Equal($"HubSpot requires {lacking}", missing.Detail);
    }

    [Fact]
    public async Task BatchUpdateAsync_TokenLackingTheWriteScope_MissingScopesNamingItNothingWritten()
    {
        await using var emulator = await StartEmulatorAsync(scopes: AllScopesBut("crm.objects.deals.write"));
        using var host = CreateSut(emulator, "2026-03");
        var deal = emulator.Control.ExportState().Objects["deals"][0];

        var error = await Assert.ThrowsAsync<Core.Crm.CrmMissingScopesException>(() =>
            host.Writer.BatchUpdateAsync("deals", [new Core.Crm.CrmUpdate(deal.Id, new Dictionary<string, string?> { ["dealname"] = "changed" })], CancellationToken.None));

        Assert.Equal(["crm.objects.deals.write"], error.RequiredScopes);
        Assert.Contains("crm.objects.deals.write", error.Message, StringComparison.Ordinal);
        Assert.Equal(deal.Properties["dealname"], emulator.Control.ExportState().Objects["deals"][0].Properties["dealname"]);
        Assert.Equal(1, host.Usage.Snapshot().TotalCalls);
    }
}
