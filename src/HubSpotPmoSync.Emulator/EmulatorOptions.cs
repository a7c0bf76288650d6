using System.Globalization;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator;

/// <summary>How an emulator starts. Every option can also be changed at runtime through <see cref="EmulatorControl"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Gets or sets the loopback port. <value>The default value is 0: an ephemeral port.</value></summary>
    public int Port { get; set; }

    /// <summary>Gets or sets the only bearer token accepted. <value>The default value is <c>emulator-token</c>.</value></summary>
    public string Token { get; set; } = "emulator-token";

    /// <summary>Gets or sets the data loaded at start: <c>none</c>, <c>demo</c> or <c>scale:N</c>. <value>The default value is <c>none</c>.</value></summary>
    public string Seed { get; set; } = "none";

    /// <summary>Gets or sets the seed of the deterministic data generator. <value>The default value is 42.</value></summary>
    public int SeedRandom { get; set; } = 42;

    /// <summary>Gets or sets the rate-limit tier: free, pro, enterprise, addon or unlimited. <value>The default value is <c>unlimited</c>.</value></summary>
    public string Tier { get; set; } = "unlimited";

    /// <summary>Gets or sets the rate-limit time scale: 10 means windows ten times shorter with the same maxima. <value>The default value is 1.</value></summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Gets or sets the fault spec, e.g. <c>429:0.05,503:0.03,reset:0.01,slow:0.02@2s,truncate:0.01</c>. <value>The default value is null: no faults.</value></summary>
    public string? Faults { get; set; }

    /// <summary>Gets or sets the seed of the fault generator. <value>The default value is 1.</value></summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>
    /// Gets or sets the round trip added in front of every API answer, per route class (±50 % jitter), e.g.
    /// <c>LatencySpec.Parse("list:250ms,search:400ms,batch:200ms,associations:250ms,write:300ms,default:150ms")</c>.
    /// <value>The default value is <see cref="LatencySpec.None"/>: answers at once.</value>
    /// </summary>
    public LatencySpec Latency { get; set; } = LatencySpec.None;

    /// <summary>Gets or sets the seed of the latency jitter generator. <value>The default value is 1.</value></summary>
    public int LatencySeed { get; set; } = 1;

    /// <summary>Gets or sets how long a write takes to become visible to search. <value>The default value is zero.</value></summary>
    public TimeSpan IndexLag { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets whether 429 answers carry <c>Retry-After</c> (seconds). <value>The default value is true.</value></summary>
    public bool SendRetryAfter { get; set; } = true;

    /// <summary>Gets or sets the portal (hub) id, used in fully qualified names. <value>The default value is 1234567.</value></summary>
    public long PortalId { get; set; } = 1234567;

    /// <summary>Gets or sets the daily request quota, overriding the tier's. <value>The default value is null: the tier's quota.</value></summary>
    public long? DailyQuota { get; set; }

    /// <summary>
    /// Gets or sets the granted scopes. When set, every API call needs the granular scopes of what it touches and
    /// answers 403 <c>MISSING_SCOPES</c> without them. <value>The default value is null: every scope is granted.</value>
    /// </summary>
    public IReadOnlyCollection<string>? Scopes { get; set; }

    /// <summary>
    /// Gets or sets where webhook deliveries go (<c>--webhook-url</c>): every record and association change is posted
    /// there as HubSpot posts it. <value>The default value is null: no deliveries.</value>
    /// </summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Gets or sets the app's client secret that signs the deliveries (<c>--webhook-secret</c>). <value>The default value is null.</value></summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Gets or sets the event naming: <c>mixed</c> (classic <c>deal.propertyChange</c>-style names for contacts,
    /// companies, deals, tickets, products and line items; <c>object.*</c> for the others) or <c>generic</c>
    /// (<c>object.*</c> for every type). <value>The default value is <c>mixed</c>.</value>
    /// </summary>
    public string WebhookStyle { get; set; } = "mixed";

    /// <summary>Gets or sets the clock under the emulator's own (offset/freeze) clock. <value>The default value is null: the system clock.</value></summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port: {Port} is not a port number (0-65535; 0 picks a free one)", nameof(Port));
        }

        if (string.IsNullOrWhiteSpace(Token))
        {
            throw new ArgumentException("--token: the token must not be empty", nameof(Token));
        }

        ParseSeed(Seed);
        ParseTier(Tier);
        if (!(TimeScale > 0) || double.IsInfinity(TimeScale))
        {
            throw new ArgumentException($"--time-scale: {TimeScale.ToString(CultureInfo.InvariantCulture)} must be a positive number", nameof(TimeScale));
        }

        ParseFaults(Faults);
        if (IndexLag < TimeSpan.Zero)
        {
            throw new ArgumentException("--index-lag: must not be negative", nameof(IndexLag));
        }

        if (Scopes is not null)
        {
            try
            {
                ScopeCheck.Of(Scopes);
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, nameof(Scopes), e);
            }
        }

        if (DailyQuota is < 0)
        {
            throw new ArgumentException("--daily-quota: must not be negative", nameof(DailyQuota));
        }

        if (WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"--webhook-url: '{url}' is not an http(s) URL", nameof(WebhookUrl));
        }

        if ((WebhookUrl is null) != string.IsNullOrEmpty(WebhookSecret))
        {
            throw new ArgumentException(
                WebhookUrl is null ? "--webhook-secret: only with --webhook-url" : "--webhook-secret: required with --webhook-url (it signs every delivery)",
                nameof(WebhookSecret));
        }

        if (WebhookStyle is not ("mixed" or "generic"))
        {
            throw new ArgumentException($"--webhook-style: '{WebhookStyle}' is not mixed or generic", nameof(WebhookStyle));
        }
    }

    /// <summary>Parses <c>--webhook-url</c>: an absolute http(s) URL.</summary>
    public static Uri ParseWebhookUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new FormatException($"--webhook-url: '{value}' is not an http(s) URL, e.g. http://127.0.0.1:8080/webhooks/hubspot");

    /// <summary>Parses <c>--port</c>.</summary>
    public static int ParsePort(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
            ? p
            : throw new FormatException($"--port: '{value}' is not a port number (0-65535; 0 picks a free one)");

    /// <summary>Parses <c>--tier</c>: free, pro, enterprise, addon or unlimited.</summary>
    public static string ParseTier(string value)
    {
        var t = (value ?? string.Empty).Trim().ToLowerInvariant();
        return TierLimits.Names.Contains(t)
            ? t
            : throw new ArgumentException($"--tier: '{value}' is not a tier; expected one of {string.Join(", ", TierLimits.Names)}", nameof(value));
    }

    /// <summary>Parses <c>--time-scale</c>: a positive number (10 = ten times the rate).</summary>
    public static double ParseTimeScale(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && !double.IsInfinity(s)
            ? s
            : throw new FormatException($"--time-scale: '{value}' must be a positive number (10 = ten times HubSpot's rate)");

    /// <summary>
    /// Parses <c>--latency</c>: <c>none</c>, one duration for every route (<c>200ms</c>), or <c>CLASS:DURATION</c>
    /// pairs (list, search, batch, associations, write, default); a class left out takes <c>default</c>.
    /// </summary>
    public static LatencySpec ParseLatency(string? value) => LatencySpec.Parse(value);

    /// <summary>Parses <c>--index-lag</c>: <c>500ms</c>, <c>2s</c>, <c>1m</c> or milliseconds.</summary>
    public static TimeSpan ParseIndexLag(string value) => FaultInjector.ParseDuration(value, "--index-lag");

    /// <summary>Checks <c>--faults</c>; returns the spec unchanged (null for none).</summary>
    public static string? ParseFaults(string? value)
    {
        FaultInjector.Parse(value);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>
    /// Parses <c>--scopes</c>: scope names separated by commas (or spaces), e.g.
    /// <c>crm.objects.deals.read,crm.objects.deals.write,tickets</c>; <c>none</c> grants no scope at all.
    /// </summary>
    public static IReadOnlyCollection<string> ParseScopes(string value) => [.. ScopeCheck.Parse(value).Order(StringComparer.Ordinal)];

    /// <summary>Gets the scope names <c>--scopes</c> accepts.</summary>
    public static IReadOnlyList<string> KnownScopes => ScopeCheck.Known;

    /// <summary>Checks <c>--seed</c>: <c>none</c>, <c>demo</c> or <c>scale:N</c> (1 ≤ N ≤ 10,000,000).</summary>
    public static string ParseSeed(string value)
    {
        var v = (value ?? string.Empty).Trim().ToLowerInvariant();
        if (v is "none" or "demo")
        {
            return v;
        }

        if (v.StartsWith("scale:", StringComparison.Ordinal)
            && int.TryParse(v.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10_000_000)
        {
            return v;
        }

        throw new FormatException($"--seed: '{value}' is not none, demo or scale:N (N deals, 1 to 10000000)");
    }
}
