namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>
/// Who wins when a value the worker wants to write differs from a value someone else put in HubSpot.
/// Fields the worker owns (computed health, outbound mappings) use <see cref="LocalWins"/>; <c>both</c>
/// mappings choose.
/// </summary>
public enum ConflictPolicy
{
    /// <summary>HubSpot's value is kept; the local value is not pushed (the inbound sync adopts HubSpot's).</summary>
    HubSpotWins,

    /// <summary>The local value overwrites HubSpot's.</summary>
    LocalWins,

    /// <summary>
    /// The later change wins: the local change time against the time HubSpot's value last changed. A tie keeps
    /// HubSpot's value, so a person's edit is never overwritten by a value that is not strictly newer.
    /// </summary>
    NewestWins,
}

/// <summary>The names of the policies as written in mappings, the audit log and the command line.</summary>
public static class ConflictPolicies
{
    public static string Name(this ConflictPolicy policy) => policy switch
    {
        ConflictPolicy.HubSpotWins => "hubspot-wins",
        ConflictPolicy.LocalWins => "local-wins",
        ConflictPolicy.NewestWins => "newest-wins",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>Parses <c>hubspot-wins</c>, <c>local-wins</c> or <c>newest-wins</c> (case-insensitive).</summary>
    public static bool TryParse(string? name, out ConflictPolicy policy)
    {
        foreach (var candidate in (ConflictPolicy[])[ConflictPolicy.HubSpotWins, ConflictPolicy.LocalWins, ConflictPolicy.NewestWins])
        {
            if (string.Equals(name, candidate.Name(), StringComparison.OrdinalIgnoreCase))
            {
                policy = candidate;
                return true;
            }
        }

        policy = default;
        return false;
    }

    public static ConflictPolicy Parse(string name) =>
        TryParse(name, out var policy) ? policy : throw new FormatException($"Unknown conflict policy '{name}'.");
}
