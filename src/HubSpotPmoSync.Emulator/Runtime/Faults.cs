using System.Globalization;

namespace HubSpotPmoSync.Emulator.Runtime;

internal enum FaultKind
{
    None,
    TooManyRequests,
    Status500,
    Status502,
    Status503,
    Status504,
    Reset,
    Slow,
    Truncate,
}

internal sealed record FaultRule(FaultKind Kind, double Probability, TimeSpan Delay);

/// <summary>What the injector decided for one request. <see cref="ApplyWrite"/>: run the handler before failing.</summary>
internal readonly record struct FaultDecision(FaultKind Kind, TimeSpan Delay, bool ApplyWrite)
{
    public static readonly FaultDecision None = new(FaultKind.None, TimeSpan.Zero, true);
}

/// <summary>
/// Parses a fault spec such as <c>429:0.05,503:0.03,reset:0.01,slow:0.02@2s,truncate:0.01</c> and draws faults from a
/// seeded generator, one draw per API request in arrival order, so a run is reproducible for a given seed and order.
/// </summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private Random _random = new(1);

    public IReadOnlyList<FaultRule> Rules { get; private set; } = [];

    public string? Spec { get; private set; }

    public int Seed { get; private set; } = 1;

    public void Configure(string? spec, int seed)
    {
        var rules = Parse(spec);
        lock (_gate)
        {
            Rules = rules;
            Spec = string.IsNullOrWhiteSpace(spec) ? null : spec.Trim();
            Seed = seed;
            _random = new Random(seed);
        }
    }

    public FaultDecision Next(bool isWrite)
    {
        lock (_gate)
        {
            if (Rules.Count == 0)
            {
                return FaultDecision.None;
            }

            var draw = _random.NextDouble();
            var applied = _random.NextDouble() < 0.5;
            foreach (var rule in Rules)
            {
                if (draw < rule.Probability)
                {
                    var apply = rule.Kind switch
                    {
                        // A throttled, refused or unavailable request never reaches the store.
                        FaultKind.TooManyRequests or FaultKind.Status500 or FaultKind.Status503 => false,

                        // A slow or truncated answer is an answer: the write happened.
                        FaultKind.Slow or FaultKind.Truncate => true,

                        // A gateway error or a dropped connection may come before or after the write.
                        _ => isWrite && applied,
                    };
                    return new FaultDecision(rule.Kind, rule.Delay, apply);
                }

                draw -= rule.Probability;
            }

            return FaultDecision.None;
        }
    }

    public static IReadOnlyList<FaultRule> Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec) || spec.Trim() == "none")
        {
            return [];
        }

        var rules = new List<FaultRule>();
        double total = 0;
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"--faults: '{raw}' is not KIND:PROBABILITY (e.g. 503:0.03 or slow:0.02@2s)");
            }

            var kindText = raw[..colon].Trim().ToLowerInvariant();
            var rest = raw[(colon + 1)..].Trim();
            var delay = TimeSpan.Zero;
            var at = rest.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                delay = ParseDuration(rest[(at + 1)..], "--faults");
                rest = rest[..at];
            }

            var kind = kindText switch
            {
                "429" => FaultKind.TooManyRequests,
                "500" => FaultKind.Status500,
                "502" => FaultKind.Status502,
                "503" => FaultKind.Status503,
                "504" => FaultKind.Status504,
                "reset" => FaultKind.Reset,
                "slow" => FaultKind.Slow,
                "truncate" => FaultKind.Truncate,
                _ => throw new FormatException($"--faults: unknown fault '{kindText}'; expected 429, 500, 502, 503, 504, reset, slow or truncate"),
            };
            if (!double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0 || p > 1)
            {
                throw new FormatException($"--faults: probability '{rest}' of '{kindText}' must be a number from 0 to 1");
            }

            if (kind == FaultKind.Slow && delay == TimeSpan.Zero)
            {
                delay = TimeSpan.FromSeconds(2);
            }
            else if (kind != FaultKind.Slow && at >= 0)
            {
                throw new FormatException($"--faults: only 'slow' takes a delay (@2s); '{raw}' does not");
            }

            total += p;
            rules.Add(new FaultRule(kind, p, delay));
        }

        if (total > 1.000001)
        {
            throw new FormatException($"--faults: probabilities add up to {total.ToString(CultureInfo.InvariantCulture)}, more than 1");
        }

        return rules;
    }

    /// <summary>Parses <c>250ms</c>, <c>2s</c>, <c>1.5s</c>, <c>1m</c>, or a bare number of milliseconds.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        var t = text.Trim().ToLowerInvariant();
        double factor = 1;
        if (t.EndsWith("ms", StringComparison.Ordinal))
        {
            t = t[..^2];
        }
        else if (t.EndsWith('s'))
        {
            t = t[..^1];
            factor = 1000;
        }
        else if (t.EndsWith('m'))
        {
            t = t[..^1];
            factor = 60_000;
        }

        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0 || double.IsInfinity(n))
        {
            throw new FormatException($"{option}: '{text}' is not a duration (use e.g. 250ms, 2s, 1m or a number of milliseconds)");
        }

        return TimeSpan.FromMilliseconds(n * factor);
    }
}
