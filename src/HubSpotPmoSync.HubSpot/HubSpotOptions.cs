using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace HubSpotPmoSync.HubSpot;

/// <summary>
/// Settings of the HubSpot client (configuration section <c>HubSpot</c>). Validated at start: a bad value
/// stops the program before any call, naming the key (<c>HubSpot:AccessToken</c> …).
/// </summary>
public sealed class HubSpotOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "HubSpot";

    /// <summary>Gets or sets the API root every request is sent to.</summary>
    /// <value>The default value is <c>https://api.hubapi.com</c>.</value>
    [Required(ErrorMessage = "HubSpot:BaseAddress is required.")]
    public Uri BaseAddress { get; set; } = new("https://api.hubapi.com");

    /// <summary>
    /// Gets or sets the private app access token, sent as <c>Authorization: Bearer …</c>. It is never logged,
    /// never put in an exception message and never shown by <see cref="ToString"/>.
    /// </summary>
    /// <value>There is no default: the setting is required.</value>
    [Required(ErrorMessage = "HubSpot:AccessToken is required.")]
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the HubSpot API family every call goes to: <c>2026-03</c> or <c>2026-09</c> (the date-versioned paths,
    /// <c>/crm/objects/2026-03/…</c>) or <c>legacy</c> (<c>/crm/v3</c> and <c>/crm/v4</c>, which HubSpot stops supporting:
    /// v4 on 2027-03-30, v3 in September 2027). <c>2026-03</c> is supported until about 2027-09.
    /// </summary>
    /// <value>The default value is <c>2026-03</c>.</value>
    public string ApiVersion { get; set; } = HubSpotApiVersions.Default;

    /// <summary>Gets or sets the portal's subscription, which sizes the client-side rate limits.</summary>
    /// <value>The default value is <see cref="HubSpotTier.Pro"/>.</value>
    public HubSpotTier Tier { get; set; } = HubSpotTier.Pro;

    /// <summary>
    /// Gets or sets the share (0–1) of the portal's daily call quota this worker may use. The daily quota is
    /// shared by every app of the portal; once the portal's remaining calls (from
    /// <c>X-HubSpot-RateLimit-Daily-Remaining</c>) would fall below <c>(1 − share) × daily limit</c>, calls fail
    /// with a quota error instead of starving the portal's other integrations.
    /// </summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.0, 1.0)]
    public double DailyQuotaShare { get; set; } = 0.5;

    /// <summary>Gets or sets the calls allowed per 10-second window, overriding the tier's value.</summary>
    /// <value>The default value is <see langword="null"/> (taken from <see cref="Tier"/>).</value>
    [Range(1, 100_000)]
    public int? BurstLimit { get; set; }

    /// <summary>Gets or sets the CRM search calls allowed per second, overriding the tier's value.</summary>
    /// <value>The default value is <see langword="null"/> (5 a second; unlimited for <see cref="HubSpotTier.Unlimited"/>).</value>
    [Range(1, 10_000)]
    public int? SearchLimitPerSecond { get; set; }

    /// <summary>Gets or sets the associations API calls allowed per 10-second window, overriding the tier's value.</summary>
    /// <value>The default value is <see langword="null"/> (taken from <see cref="Tier"/>).</value>
    [Range(1, 100_000)]
    public int? AssociationsBurstLimit { get; set; }

    /// <summary>Gets or sets the portal's daily call quota, overriding the tier's value until the portal reports its own.</summary>
    /// <value>The default value is <see langword="null"/> (taken from <see cref="Tier"/>).</value>
    [Range(1L, 100_000_000L)]
    public long? DailyLimit { get; set; }

    /// <summary>
    /// Gets or sets the most requests in flight at once. Below this cap the client keeps about
    /// <c>budget rate × measured round trip</c> calls of each budget in flight (burst, search, associations), and
    /// never exceeds the rate budgets themselves.
    /// </summary>
    /// <value>The default value is 16.</value>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Gets or sets the time one logical call may take, every retry and wait included.</summary>
    /// <value>The default value is 3 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Gets or sets the time one HTTP attempt may take (sending, waiting and reading the body).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a failed attempt is retried (429, 5xx, 408, 423, network errors, timeouts); 0 turns retries off.</summary>
    /// <value>The default value is 6.</value>
    [Range(0, 50)]
    public int MaxRetryAttempts { get; set; } = 6;

    /// <summary>Gets or sets the first back-off delay; later ones grow exponentially, with jitter.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest wait before a retry. A <c>Retry-After</c> longer than this is not waited for:
    /// the call fails with HubSpot's error instead.
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the share of failed attempts (5xx, 408, network errors, timeouts; not 429) that opens the circuit.</summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the attempts a sampling window needs before the circuit may open.</summary>
    /// <value>The default value is 20.</value>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets the window over which the failure ratio is measured.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open before one trial call is let through.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the records per search page (HubSpot's maximum is 200).</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 200)]
    public int SearchPageSize { get; set; } = 200;

    /// <summary>Gets or sets the inputs per associations v4 batch read (HubSpot's maximum is 1,000).</summary>
    /// <value>The default value is 1000.</value>
    [Range(1, 1000)]
    public int AssociationsBatchSize { get; set; } = 1000;

    /// <summary>Returns the settings for diagnostics, with the access token redacted.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("HubSpotOptions { ");
        text.Append(CultureInfo.InvariantCulture, $"BaseAddress = {BaseAddress}, ");
        text.Append("AccessToken = ").Append(string.IsNullOrEmpty(AccessToken) ? "(not set)" : "***").Append(", ");
        text.Append(CultureInfo.InvariantCulture, $"ApiVersion = {ApiVersion}, Tier = {Tier}, DailyQuotaShare = {DailyQuotaShare}, ");
        text.Append(CultureInfo.InvariantCulture, $"BurstLimit = {BurstLimit}, SearchLimitPerSecond = {SearchLimitPerSecond}, ");
        text.Append(CultureInfo.InvariantCulture, $"AssociationsBurstLimit = {AssociationsBurstLimit}, DailyLimit = {DailyLimit}, ");
        text.Append(CultureInfo.InvariantCulture, $"MaxConcurrency = {MaxConcurrency}, TotalTimeout = {TotalTimeout}, ");
        text.Append(CultureInfo.InvariantCulture, $"AttemptTimeout = {AttemptTimeout}, MaxRetryAttempts = {MaxRetryAttempts}, ");
        text.Append(CultureInfo.InvariantCulture, $"RetryBaseDelay = {RetryBaseDelay}, MaxRetryDelay = {MaxRetryDelay}, ");
        text.Append(CultureInfo.InvariantCulture, $"CircuitBreakerFailureRatio = {CircuitBreakerFailureRatio}, ");
        text.Append(CultureInfo.InvariantCulture, $"CircuitBreakerMinimumThroughput = {CircuitBreakerMinimumThroughput}, ");
        text.Append(CultureInfo.InvariantCulture, $"CircuitBreakerSamplingDuration = {CircuitBreakerSamplingDuration}, ");
        text.Append(CultureInfo.InvariantCulture, $"CircuitBreakerBreakDuration = {CircuitBreakerBreakDuration}, ");
        text.Append(CultureInfo.InvariantCulture, $"SearchPageSize = {SearchPageSize}, AssociationsBatchSize = {AssociationsBatchSize} }}");
        return text.ToString();
    }
}
