using System.Globalization;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator;

/// <summary>The latency class of an API route: which value of a <see cref="LatencySpec"/> delays its answers.</summary>
public enum LatencyClass
{
    /// <summary>Object list pages and single-record reads (<c>GET …/objects/{type}</c>, <c>GET …/{id}</c>).</summary>
    List,

    /// <summary>Object search (<c>POST …/search</c>).</summary>
    Search,

    /// <summary>Object batch read (<c>POST …/batch/read</c>).</summary>
    Batch,

    /// <summary>Every associations endpoint: batch read/create/archive, labels, one-pair PUT/DELETE/GET.</summary>
    Associations,

    /// <summary>Object writes: create, update, archive, batch create/update/upsert/archive.</summary>
    Write,

    /// <summary>Everything else: properties, schemas, pipelines, account usage.</summary>
    Default,
}

/// <summary>
/// The round trip the emulator adds in front of every API answer, per <see cref="LatencyClass"/>, e.g.
/// <c>list:250ms,search:400ms,batch:200ms,associations:250ms,write:300ms,default:150ms</c> or one value for all
/// (<c>200ms</c>). Each request waits its class's value ±50 % (uniform, from a seeded generator).
/// A class the spec leaves out takes the <c>default</c> value (zero when there is none).
/// </summary>
public sealed class LatencySpec : IEquatable<LatencySpec>
{
    private static readonly LatencyClass[] Classes = Enum.GetValues<LatencyClass>();
    private readonly TimeSpan[] _values;

    private LatencySpec(TimeSpan[] values) => _values = values;

    /// <summary>Gets the spec that adds no delay at all.</summary>
    public static LatencySpec None { get; } = new(new TimeSpan[Classes.Length]);

    /// <summary>Gets the class names a spec accepts, in order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = [.. Classes.Select(Name)];

    /// <summary>Gets whether no class has a delay.</summary>
    public bool IsZero => _values.All(v => v == TimeSpan.Zero);

    /// <summary>Gets the nominal (centre) delay of a class.</summary>
    public TimeSpan this[LatencyClass latencyClass] => _values[(int)latencyClass];

    /// <summary>One value for every class.</summary>
    public static LatencySpec Uniform(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return new([.. Classes.Select(_ => value)]);
    }

    /// <summary>
    /// Parses <c>--latency</c>: <c>none</c>/<c>0</c>, one duration for all (<c>200ms</c>), or <c>CLASS:DURATION</c>
    /// pairs separated by commas (classes list, search, batch, associations, write, default). Throws
    /// <see cref="FormatException"/> naming the bad token.
    /// </summary>
    public static LatencySpec Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        var given = new TimeSpan?[Classes.Length];
        var tokens = value.Split(',', StringSplitOptions.TrimEntries);
        if (tokens.Length == 1 && !tokens[0].Contains(':', StringComparison.Ordinal))
        {
            return Uniform(Duration(tokens[0], tokens[0]));
        }

        foreach (var token in tokens)
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"--latency: '{token}' is not CLASS:DURATION (e.g. list:250ms); classes: {string.Join(", ", ClassNames)}");
            }

            var name = token[..colon].Trim().ToLowerInvariant();
            var index = Array.FindIndex(Classes, c => Name(c) == name);
            if (index < 0)
            {
                throw new FormatException($"--latency: unknown class '{token[..colon].Trim()}' in '{token}'; expected one of {string.Join(", ", ClassNames)}");
            }

            if (given[index] is not null)
            {
                throw new FormatException($"--latency: class '{name}' is given twice ('{token}')");
            }

            given[index] = Duration(token[(colon + 1)..], token);
        }

        var fallback = given[(int)LatencyClass.Default] ?? TimeSpan.Zero;
        return new([.. given.Select(g => g ?? fallback)]);
    }

    /// <summary>The spec in the form <see cref="Parse"/> reads: <c>none</c>, or every class with its value in ms.</summary>
    public override string ToString() => IsZero
        ? "none"
        : string.Join(',', Classes.Select(c => $"{Name(c)}:{this[c].TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"));

    public bool Equals(LatencySpec? other) => other is not null && _values.AsSpan().SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as LatencySpec);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var v in _values)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    internal static string Name(LatencyClass latencyClass) => latencyClass.ToString().ToLowerInvariant();

    private static TimeSpan Duration(string text, string token)
    {
        try
        {
            return FaultInjector.ParseDuration(text, "--latency");
        }
        catch (FormatException e)
        {
            throw new FormatException($"--latency: '{text.Trim()}' in '{token}' is not a duration (use e.g. 250ms, 1.5s or a number of milliseconds)", e);
        }
    }
}
