using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot;

/// <summary>Source-generated validation of the data annotations on <see cref="HubSpotOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class HubSpotOptionsDataAnnotationsValidator : IValidateOptions<HubSpotOptions>
{
}

/// <summary>
/// Runs the generated data-annotation checks and words every failure by its configuration key
/// (<c>HubSpot:SearchPageSize</c>), which is what an operator edits, instead of the C# member name.
/// </summary>
internal sealed class HubSpotOptionsValidator : IValidateOptions<HubSpotOptions>
{
    private readonly HubSpotOptionsDataAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, HubSpotOptions options)
    {
        var result = _annotations.Validate(name, options);
        return result.Failed
            ? ValidateOptionsResult.Fail(result.Failures.Select(ToKeyWording))
            : result;
    }

    internal static string ToKeyWording(string failure)
    {
        // The generator writes "Member: message"; the message names "HubSpotOptions.Member".
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        var message = colon > 0 && !failure[..colon].Contains(' ', StringComparison.Ordinal) ? failure[(colon + 2)..] : failure;
        return message.Replace($"{nameof(HubSpotOptions)}.", $"{HubSpotOptions.SectionName}:", StringComparison.Ordinal);
    }
}

/// <summary>
/// The rules that span several settings or that attributes cannot say. Collects every failure, each naming
/// its key; never includes the access token's value.
/// </summary>
internal sealed class HubSpotOptionsCrossValidator : IValidateOptions<HubSpotOptions>
{
    public ValidateOptionsResult Validate(string? name, HubSpotOptions options)
    {
        var failures = new List<string>();

        if (options.BaseAddress is { } baseAddress)
        {
            if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttps && baseAddress.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add("HubSpot:BaseAddress must be an absolute http or https URI.");
            }
            else
            {
                if (baseAddress.Scheme == Uri.UriSchemeHttp && !baseAddress.IsLoopback)
                {
                    failures.Add("HubSpot:BaseAddress must use https unless it points at this machine (the access token would travel in clear text).");
                }

                if (!string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
                {
                    failures.Add("HubSpot:BaseAddress must not carry a query string or fragment.");
                }
            }
        }

        if (!string.IsNullOrEmpty(options.AccessToken))
        {
            if (string.IsNullOrWhiteSpace(options.AccessToken))
            {
                failures.Add("HubSpot:AccessToken is blank.");
            }
            else if (options.AccessToken.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                failures.Add("HubSpot:AccessToken contains whitespace or control characters; copy the private app token again.");
            }
            else if (options.AccessToken.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add("HubSpot:AccessToken must be the token alone, without the 'Bearer ' prefix.");
            }
        }

        if (!HubSpotApiVersions.IsKnown(options.ApiVersion))
        {
            // Neither the value nor its case is guessed at: a typo must not silently pick another family.
            failures.Add(
                $"HubSpot:ApiVersion '{options.ApiVersion}' is not a known API version: use {string.Join(", ", HubSpotApiVersions.All.SkipLast(1))} or {HubSpotApiVersions.All[^1]}.");
        }

        if (!Enum.IsDefined(options.Tier))
        {
            failures.Add("HubSpot:Tier must be one of free, pro, enterprise, addon or unlimited.");
        }

        if (options.DailyQuotaShare <= 0)
        {
            failures.Add("HubSpot:DailyQuotaShare must be greater than 0 (0 would forbid every call).");
        }

        if (options.AttemptTimeout > options.TotalTimeout)
        {
            failures.Add("HubSpot:AttemptTimeout must not be longer than HubSpot:TotalTimeout.");
        }

        if (options.RetryBaseDelay > options.MaxRetryDelay)
        {
            failures.Add("HubSpot:RetryBaseDelay must not be longer than HubSpot:MaxRetryDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
