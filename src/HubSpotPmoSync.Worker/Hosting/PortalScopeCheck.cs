using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// Before a cycle that writes, proves the token's write scopes (one empty batch update per type the cycle writes, which
/// creates nothing) so that a missing scope stops the command with exit 2 naming it, before any write — instead of a 403
/// in the middle of the push. Read scopes need no probe: a cycle reads before it writes, and a read refused for a missing
/// scope stops it the same way (<c>CrmMissingScopesException</c>, exit 2) with nothing written.
/// </summary>
internal static class PortalScopeCheck
{
    /// <exception cref="UserInputException">The token lacks a scope the cycle's writes need.</exception>
    public static async Task EnsureWriteScopesAsync(MappingSet mappings, IHubSpotDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        var writes = HubSpotScopes.Required(mappings, forSchemaApply: false).Where(r => r.Probe == HubSpotScopeProbe.ObjectWrite).ToList();
        if (writes.Count == 0)
        {
            return;
        }

        var checks = await diagnostics.CheckScopesAsync(writes, cancellationToken);
        var missing = checks.Where(c => c.Status == HubSpotScopeStatus.Missing).ToList();
        if (missing.Count > 0)
        {
            throw new UserInputException([
                $"the HubSpot token lacks {(missing.Count == 1 ? "a scope" : "scopes")} this sync needs; nothing was written:",
                .. missing.Select(m => $"  {m.Scope}: needed to {m.Reason}"),
                "add them to the service key's or app's scopes in HubSpot ('hubspot-pmo-sync doctor' checks every scope)",
            ]);
        }
    }
}
