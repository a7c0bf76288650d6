using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// Proves the token's write scopes — one empty batch update per object type the mappings write, which creates nothing —
/// before the first record write of the process, so that a missing scope stops the command with exit 2 naming it before
/// anything is written, instead of a 403 in the middle of a kickoff or a push. Once every scope is proven, the process
/// does not ask again; a cycle with nothing to write never asks. Read scopes need no probe: a cycle reads before it writes, and a read refused
/// for a missing scope stops it the same way (<see cref="CrmMissingScopesException"/>, exit 2) with nothing written.
/// </summary>
internal sealed class WriteScopeGate(MappingProvider mappings, IHubSpotDiagnostics diagnostics) : IDisposable
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private bool _proven;

    /// <exception cref="UserInputException">The token lacks a scope the mappings' writes need.</exception>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _proven))
        {
            return;
        }

        await _once.WaitAsync(cancellationToken);
        try
        {
            if (_proven)
            {
                return;
            }

            var writes = HubSpotScopes.Required(mappings.Mappings, forSchemaApply: false).Where(r => r.Probe == HubSpotScopeProbe.ObjectWrite).ToList();
            var checks = writes.Count == 0 ? [] : await diagnostics.CheckScopesAsync(writes, cancellationToken);
            var missing = checks.Where(c => c.Status == HubSpotScopeStatus.Missing).ToList();
            if (missing.Count > 0)
            {
                throw new UserInputException([
                    $"the HubSpot token lacks {(missing.Count == 1 ? "a scope" : "scopes")} the worker's writes need; nothing was written to HubSpot:",
                    .. missing.Select(m => $"  {m.Scope}: needed to {m.Reason}"),
                    "add them to the service key's or app's scopes in HubSpot ('hubspot-pmo-sync doctor' checks every scope)",
                ]);
            }

            // An unknown verdict (HubSpot failing or not answering) lets this write go ahead and find out for itself; the
            // next write asks again, so a scope is never taken as proven without an answer.
            Volatile.Write(ref _proven, checks.All(c => c.Status == HubSpotScopeStatus.Present));
        }
        finally
        {
            _once.Release();
        }
    }

    public void Dispose() => _once.Dispose();
}

/// <summary>
/// The CRM writer with <see cref="WriteScopeGate"/> in front of every record and link write. Schema writes (property
/// groups, properties, custom object schemas) pass straight through: <c>schema apply</c> needs schema scopes, not these.
/// </summary>
internal sealed class ScopeCheckedCrmWriter(ICrmWriter inner, WriteScopeGate gate) : ICrmWriter
{
    public async Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
    {
        await gate.EnsureAsync(cancellationToken);
        return await inner.BatchUpdateAsync(objectType, updates, cancellationToken);
    }

    public async Task<CrmBatchResult> BatchUpsertAsync(string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken)
    {
        await gate.EnsureAsync(cancellationToken);
        return await inner.BatchUpsertAsync(objectType, idProperty, upserts, cancellationToken);
    }

    public async Task<CrmBatchResult> BatchCreateAsync(string objectType, IReadOnlyList<CrmCreate> creates, CancellationToken cancellationToken)
    {
        await gate.EnsureAsync(cancellationToken);
        return await inner.BatchCreateAsync(objectType, creates, cancellationToken);
    }

    public async Task<CrmBatchResult> BatchArchiveAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await gate.EnsureAsync(cancellationToken);
        return await inner.BatchArchiveAsync(objectType, ids, cancellationToken);
    }

    public async Task CreateAssociationsAsync(string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken)
    {
        await gate.EnsureAsync(cancellationToken);
        await inner.CreateAssociationsAsync(fromType, toType, links, cancellationToken);
    }

    public async Task ArchiveAssociationsAsync(string fromType, string toType, IReadOnlyList<(string FromId, string ToId)> pairs, CancellationToken cancellationToken)
    {
        await gate.EnsureAsync(cancellationToken);
        await inner.ArchiveAssociationsAsync(fromType, toType, pairs, cancellationToken);
    }

    public Task CreatePropertyGroupAsync(string objectType, CrmPropertyGroup group, CancellationToken cancellationToken) =>
        inner.CreatePropertyGroupAsync(objectType, group, cancellationToken);

    public Task<IReadOnlyList<CrmPropertyGroup>> GetPropertyGroupsAsync(string objectType, CancellationToken cancellationToken) =>
        inner.GetPropertyGroupsAsync(objectType, cancellationToken);

    public Task CreatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken) =>
        inner.CreatePropertyAsync(objectType, property, cancellationToken);

    public Task UpdatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken) =>
        inner.UpdatePropertyAsync(objectType, property, cancellationToken);

    public Task<CrmObjectSchema> CreateSchemaAsync(CrmObjectSchema schema, CancellationToken cancellationToken) =>
        inner.CreateSchemaAsync(schema, cancellationToken);
}
