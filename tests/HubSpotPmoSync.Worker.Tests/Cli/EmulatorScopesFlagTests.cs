using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Cli;

/// <summary><c>emulator --scopes LIST</c>: a bad list exits 2 naming the flag; a good one makes the emulator enforce it.</summary>
public sealed partial class EmulatorScopesFlagTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-emu-scopes-");

    [Theory]
    [InlineData("crm.objects.deal.read", "'crm.objects.deal.read'")]
    [InlineData(",", "empty")]
    public async Task BadScopes_Exit2NamingTheFlagAndTheValue(string value, string mentioned)
    {
        var (code, _, error) = await InProcess.RunAsync(null, "emulator", "--port", "0", "--scopes", value);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--scopes", error, StringComparison.Ordinal);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealProcess_WithScopes_AnswersMissingScopesOutsideThem()
    {
        using var process = WorkerProcess.Start(_dir.FullName, new Dictionary<string, string>(), "emulator", "--port", "0", "--token", "scoped-token", "--scopes", "crm.objects.deals.read");
        await Signals.WaitForAsync(() => process.Output, "listening on http://127.0.0.1:", TimeSpan.FromSeconds(60));
        await Signals.WaitForAsync(() => process.Output, "\n", TimeSpan.FromSeconds(10));
        using var client = new HttpClient { BaseAddress = new Uri(Listening().Match(process.Output).Groups[1].Value + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scoped-token");

        using var deals = await client.GetAsync(new Uri("crm/objects/2026-03/deals?limit=1", UriKind.Relative));
        using var companies = await client.GetAsync(new Uri("crm/objects/2026-03/companies?limit=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, deals.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, companies.StatusCode);
        var body = await companies.Content.ReadAsStringAsync();
        Assert.Contains("\"category\":\"MISSING_SCOPES\"", body, StringComparison.Ordinal);
        Assert.Contains("\"requiredGranularScopes\":[\"crm.objects.companies.read\"]", body, StringComparison.Ordinal);

        Signals.Terminate(process.Id);
        Assert.Equal(ExitCodes.Success, await process.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
