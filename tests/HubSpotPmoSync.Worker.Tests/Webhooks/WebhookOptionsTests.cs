using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Tests.Support;
using HubSpotPmoSync.Worker.Webhooks;

namespace HubSpotPmoSync.Worker.Tests.Webhooks;

/// <summary><c>Webhooks</c> options: every bad value stops <c>run</c> with exit 2 naming its key; the secret is never shown.</summary>
public sealed class WebhookOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-webhook-options-");

    [Fact]
    public void Validate_Defaults_AreValidAndDisabled()
    {
        var options = new WebhookOptions();

        Assert.True(new WebhookOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Debounce);
    }

    [Fact]
    public async Task Run_BadWebhookSettings_Exits2ListingEachKey_WithoutTheSecret()
    {
        const string secret = " leaked-if-shown ";
        var (code, _, error) = await InProcess.RunAsync(
            new Dictionary<string, string?>
            {
                ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
                ["HubSpot:AccessToken"] = "test-token",
                ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "run.db"),
                ["Webhooks:ClientSecret"] = secret,
                ["Webhooks:Debounce"] = "00:05:00",
                ["Webhooks:PublicUrl"] = "https://sync.example.com/hooks",
            },
            "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Webhooks:ClientSecret", error, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Debounce", error, StringComparison.Ordinal);
        Assert.Contains("Webhooks:PublicUrl", error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Trim(), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DebounceNotATimeSpan_Exits2NamingTheKey()
    {
        var (code, _, error) = await InProcess.RunAsync(
            new Dictionary<string, string?>
            {
                ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
                ["HubSpot:AccessToken"] = "test-token",
                ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "run.db"),
                ["Webhooks:Debounce"] = "two seconds",
            },
            "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Webhooks:Debounce", error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
