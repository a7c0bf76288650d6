using HubSpotPmoSync.Emulator.Runtime;
using HubSpotPmoSync.Emulator.Seed;

namespace HubSpotPmoSync.Emulator;

/// <summary>
/// In-process control of a running emulator; the same operations are served over HTTP under <c>/__emulator</c>
/// (loopback only, no auth).
/// </summary>
public sealed class EmulatorControl
{
    private readonly EmulatorRuntime _rt;
    private readonly SeedGenerator _seeder;

    internal EmulatorControl(EmulatorRuntime rt, SeedGenerator seeder)
    {
        _rt = rt;
        _seeder = seeder;
    }

    /// <summary>The emulator clock's current instant (after offset and freeze).</summary>
    public DateTimeOffset Now => _rt.Clock.GetUtcNow();

    /// <summary>The emulator's clock, for callers that want to share it.</summary>
    public TimeProvider Clock => _rt.Clock;

    /// <summary>Clears every record, association, custom object, property and counter; keeps tier, faults, lag and clock.</summary>
    public void Reset()
    {
        _rt.Store.Reset();
        _rt.Stats.Clear();
        _rt.Limiter.ResetCounters();
        _rt.Faults.Configure(_rt.Faults.Spec, _rt.Faults.Seed);
    }

    /// <summary>Adds seed data: <c>none</c>, <c>demo</c> or <c>scale:N</c>, from the generator seed (default: the options' SeedRandom).</summary>
    /// <remarks>Seed data sends no webhooks: it is the portal as it was, not a change.</remarks>
    public void Seed(string seed, int? seedRandom = null) => _rt.Store.Quietly(() => _seeder.Seed(seed, seedRandom ?? _rt.Options.SeedRandom));

    /// <summary>
    /// Delivers every later change to <paramref name="url"/>, signed with <paramref name="secret"/> (null URL: stop);
    /// <paramref name="style"/> is <c>mixed</c> or <c>generic</c> (see <see cref="EmulatorOptions.WebhookStyle"/>).
    /// </summary>
    public void ConfigureWebhooks(Uri? url, string? secret, string style = "mixed") => _rt.Webhooks.Configure(url, secret, style);

    /// <summary>The webhook deliveries kept (the last 10,000), oldest first, each with its attempts.</summary>
    public IReadOnlyList<WebhookDeliveryInfo> WebhookDeliveries() => _rt.Webhooks.Deliveries();

    /// <summary>Events waiting for a delivery, and deliveries still being tried.</summary>
    public (int Queued, int InFlight) WebhookBacklog => _rt.Webhooks.Backlog;

    /// <summary>
    /// Merges <paramref name="mergedId"/> into <paramref name="primaryId"/> as HubSpot does: the merged-away record is
    /// archived, its links move to the survivor, and one merge event is delivered.
    /// </summary>
    public void Merge(string objectType, string primaryId, string mergedId) => _rt.Store.MergeRecords(objectType, primaryId, mergedId);

    internal ValueTask DisposeWebhooksAsync() => _rt.Webhooks.DisposeAsync();

    public EmulatorStatsSnapshot Stats() => _rt.Stats.Snapshot();

    /// <summary>Every object (archived ones too) and every stored association direction.</summary>
    public EmulatorState ExportState() => _rt.Store.Read(_rt.Store.Export);

    public void SetIndexLag(TimeSpan lag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lag, TimeSpan.Zero);
        _rt.Store.Write(() => _rt.Store.IndexLag = lag);
    }

    public TimeSpan IndexLag => _rt.Store.IndexLag;

    /// <summary>Replaces the fault spec (null or "none" for no faults) and restarts the fault generator from <paramref name="seed"/>.</summary>
    public void SetFaults(string? spec, int seed = 1) => _rt.Faults.Configure(spec, seed);

    /// <summary>Changes the rate-limit tier, time scale and daily quota; counters restart.</summary>
    public void SetTier(string tier, double timeScale = 1, long? dailyQuota = null) =>
        _rt.Limiter.Configure(EmulatorOptions.ParseTier(tier), timeScale, dailyQuota);

    /// <summary>
    /// Replaces the latency model from the next request on (<see cref="LatencySpec.None"/>: answer at once) and restarts
    /// its jitter generator from <paramref name="seed"/> (default: the options' LatencySeed).
    /// </summary>
    public void SetLatency(LatencySpec spec, int? seed = null) => _rt.Latency.Configure(spec, seed ?? _rt.Options.LatencySeed);

    /// <summary>Gets the latency model in force.</summary>
    public LatencySpec Latency => _rt.Latency.Spec;

    /// <summary>The latency model itself, so tests can wait until requests are held.</summary>
    internal LatencyModel LatencyModel => _rt.Latency;

    public void SetSendRetryAfter(bool send) => _rt.SendRetryAfter = send;

    /// <summary>Grants exactly <paramref name="scopes"/> from the next call on (null: every scope, as without <c>--scopes</c>).</summary>
    public void SetScopes(IEnumerable<string>? scopes) => _rt.Scopes = scopes is null ? null : ScopeCheck.Of(scopes);

    /// <summary>Gets the granted scopes, or null when every scope is granted.</summary>
    public IReadOnlyCollection<string>? Scopes => _rt.Scopes is { } s ? [.. s.Order(StringComparer.Ordinal)] : null;

    /// <summary>Empties the rate-limit windows and the daily count.</summary>
    public void ResetRateLimits() => _rt.Limiter.ResetCounters();

    /// <summary>Stops the clock at <paramref name="at"/> (default: now). Every write then shares that millisecond.</summary>
    public void FreezeClock(DateTimeOffset? at = null) => _rt.Clock.FreezeAt(at ?? _rt.Clock.GetUtcNow());

    public void UnfreezeClock() => _rt.Clock.Unfreeze();

    public void AdvanceClock(TimeSpan delta) => _rt.Clock.Advance(delta);

    /// <summary>Runs the clock at the underlying clock plus <paramref name="offset"/> (unfreezes).</summary>
    public void SetClockOffset(TimeSpan offset) => _rt.Clock.SetOffset(offset);

    /// <summary>
    /// Restores a deleted (archived) property, as an admin does in HubSpot's settings (the public API has no call
    /// for it); its values come back with it.
    /// </summary>
    public void RestoreProperty(string objectType, string name) => _rt.Store.RestoreProperty(objectType, name);

    /// <summary>
    /// Takes an archived record out of the recycle bin, as a person does in HubSpot's UI (the public API has no call for
    /// it); its modification time stays as it was. A merged-away record cannot be restored.
    /// </summary>
    public void RestoreRecord(string objectType, string id) => _rt.Store.RestoreRecord(objectType, id);

    /// <summary>
    /// Sets <paramref name="properties"/> (validated like an API write; may be empty to only touch) on the first
    /// <paramref name="count"/> live records of a type, or on <paramref name="ids"/>, all at one timestamp
    /// (<paramref name="at"/>, default now). Returns how many records changed. Lets tests put e.g. 25,000 records
    /// into one millisecond of <c>hs_lastmodifieddate</c>.
    /// </summary>
    public int BulkUpdate(string objectType, IReadOnlyDictionary<string, string?> properties, int? count = null,
        IEnumerable<string>? ids = null, DateTimeOffset? at = null) =>
        _rt.Store.BulkUpdate(objectType, properties, count, ids?.ToList(), at?.ToUnixTimeMilliseconds());
}
