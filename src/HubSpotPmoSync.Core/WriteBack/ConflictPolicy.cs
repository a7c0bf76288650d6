namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>
/// Who wins when a value the worker wants to write differs from a value someone else put in HubSpot.
/// Each outbound or <c>both</c> mapping field says which (its <c>conflict</c>); outbound fields default to
/// <see cref="LocalWins"/> (the computed value is restored), <c>both</c> fields to <see cref="HubSpotWins"/>.
/// </summary>
public enum ConflictPolicy
{
    /// <summary>
    /// HubSpot's value is kept; the local value is not pushed (for a <c>both</c> field the inbound sync adopts HubSpot's).
    /// The worker still fills a property nobody wrote and updates its own value.
    /// </summary>
    HubSpotWins,

    /// <summary>The local value overwrites HubSpot's.</summary>
    LocalWins,

    /// <summary>
    /// The later change wins: the time the local value last changed against the time HubSpot's value last changed. A
    /// tie keeps HubSpot's value, so a person's edit is never overwritten by a value that is not strictly newer: it
    /// stands until the local value changes after it.
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
