using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// Checks the mappings against the portal's live properties (existence, type compatibility, read-only, unique key)
/// before anything is read into the store: errors stop the command with exit 2 naming the file, the JSON path and
/// the reason (a missing outbound property is only a warning: <c>schema apply</c> creates it).
/// </summary>
internal static class PortalMappingCheck
{
    /// <summary>Reads each mapped object's properties (one call per object) and returns the warnings.</summary>
    /// <exception cref="UserInputException">The mappings do not fit the portal.</exception>
    public static async Task<IReadOnlyList<MappingError>> EnsureFitsAsync(MappingSet mappings, ICrmSource source, CancellationToken cancellationToken)
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

        return problems;
    }
}
