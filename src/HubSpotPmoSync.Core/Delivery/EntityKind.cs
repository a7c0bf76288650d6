namespace HubSpotPmoSync.Core.Delivery;

/// <summary>The kinds of CRM-backed entity in the delivery model.</summary>
public enum EntityKind
{
    Company,
    Deal,
    Ticket,
    Project,
}

/// <summary>Names of each kind as used in mappings, exports and the command line.</summary>
public static class EntityKinds
{
    public static IReadOnlyList<EntityKind> All { get; } = [EntityKind.Company, EntityKind.Deal, EntityKind.Ticket, EntityKind.Project];

    /// <summary>The plural name: companies, deals, tickets, projects.</summary>
    public static string Plural(this EntityKind kind) => kind switch
    {
        EntityKind.Company => "companies",
        EntityKind.Deal => "deals",
        EntityKind.Ticket => "tickets",
        EntityKind.Project => "projects",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Parses a plural (or singular) name; false when unknown.</summary>
    public static bool TryParse(string? name, out EntityKind kind)
    {
        foreach (var k in All)
        {
            var plural = k.Plural();
            if (string.Equals(name, plural, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, plural.TrimEnd('s'), StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, k == EntityKind.Company ? "company" : plural, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
