using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// Checks the mappings against the portal's live properties (existence, type compatibility, read-only, unique key)
/// before anything is read into the store: errors stop the command with exit 2 naming the file, the JSON path and
/// the reason. A missing outbound property is a warning for a command that does not write (<c>schema apply</c>
/// creates it); for a sync that pushes it is an error, so that a portal where <c>schema apply</c> never ran stops the
/// sync before any write instead of filling the dead letters with every value.
/// </summary>
internal static class PortalMappingCheck
{
    /// <summary>Reads each mapped object's properties (one call per object) and returns the warnings.</summary>
    /// <param name="writes">The command writes the outbound properties: a missing one stops it (exit 2, "run `schema apply`").</param>
    /// <exception cref="UserInputException">The mappings do not fit the portal.</exception>
    public static async Task<IReadOnlyList<MappingError>> EnsureFitsAsync(MappingSet mappings, ICrmSource source, CancellationToken cancellationToken, bool writes = false)
    {
        var byObject = new Dictionary<string, IReadOnlyList<CrmPropertyDefinition>>(StringComparer.Ordinal);
        foreach (var m in mappings.Objects.Values)
        {
            byObject[m.HubSpotObject] = await source.GetPropertiesAsync(m.HubSpotObject, cancellationToken);
        }

        var problems = MappingValidator.ValidateAgainstPortal(mappings, byObject);
        if (problems.Any(p => p.IsError))
        {
            throw new UserInputException(["the mappings do not fit the portal:", .. problems.Where(p => p.IsError).Select(p => "  " + p)]);
        }

        if (writes)
        {
            var missing = mappings.Objects.Values
                .SelectMany(m => m.Fields.Where(f => f.IsOutbound && byObject[m.HubSpotObject].All(p => p.Name != f.HubSpot)).Select(f => $"{m.HubSpotObject}.{f.HubSpot}"))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (missing.Count > 0)
            {
                throw new UserInputException(
                    $"the portal lacks {missing.Count} outbound propert{(missing.Count == 1 ? "y" : "ies")} this sync writes: {string.Join(", ", missing)}. "
                    + "Nothing was written: run `schema apply` to create them, then sync again.");
            }
        }

        return problems;
    }
}
