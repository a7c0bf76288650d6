using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Webhooks;

/// <summary>HubSpot webhooks into <c>run</c> (docs/webhooks.md): the signing secret, the public URL and the debounce.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section: <c>Webhooks</c>.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>The path HubSpot posts to.</summary>
    public const string Path = "/webhooks/hubspot";

    /// <summary>
    /// The app's client secret (a static-auth project app's Auth tab): the key of HubSpot's v3 signature. Never logged.
    /// </summary>
    /// <value>The default value is empty: the endpoint answers 404 and nothing is processed.</value>
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>
    /// The URL HubSpot posts to, as configured in the app (e.g. <c>https://sync.example.com/webhooks/hubspot</c>): the
    /// signature covers it. Needed behind a reverse proxy that does not send <c>X-Forwarded-Proto</c> and
    /// <c>X-Forwarded-Host</c>; otherwise the URL is the request's own (with those headers when present).
    /// </summary>
    /// <value>The default value is null: the request's URL.</value>
    public Uri? PublicUrl { get; set; }

    /// <summary>How long the processor waits after an event for more to arrive before it re-reads what they name.</summary>
    /// <value>The default value is 00:00:02.</value>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether webhooks are configured.</summary>
    public bool Enabled => !string.IsNullOrEmpty(ClientSecret);
}

/// <summary>Checks <c>Webhooks</c> at start, listing every failure by key; the secret's value is never shown.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Enabled && options.ClientSecret.Trim().Length != options.ClientSecret.Length)
        {
            failures.Add("Webhooks:ClientSecret has leading or trailing spaces (its value is not shown): copy the app's client secret exactly.");
        }

        if (options.Debounce < TimeSpan.Zero || options.Debounce > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Webhooks:Debounce is {options.Debounce}; expected 00:00:00 to 00:01:00 (default 00:00:02).");
        }

        if (options.PublicUrl is { } url
            && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !url.AbsolutePath.EndsWith(WebhookOptions.Path, StringComparison.Ordinal)))
        {
            failures.Add($"Webhooks:PublicUrl '{url}' is not the public https URL of {WebhookOptions.Path}, e.g. https://sync.example.com{WebhookOptions.Path}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
