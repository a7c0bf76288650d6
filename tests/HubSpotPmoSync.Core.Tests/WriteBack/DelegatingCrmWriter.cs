using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

/// <summary>A writer that passes every call to another; tests override the calls they disturb.</summary>
internal abstract class DelegatingCrmWriter(ICrmWriter inner) : ICrmWriter
{
    public virtual Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken) =>
        inner.BatchUpdateAsync(objectType, updates, cancellationToken);

    public virtual Task<CrmBatchResult> BatchUpsertAsync(string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken) =>
        inner.BatchUpsertAsync(objectType, idProperty, upserts, cancellationToken);

    public virtual Task<CrmBatchResult> BatchCreateAsync(string objectType, IReadOnlyList<CrmCreate> creates, CancellationToken cancellationToken) =>
        inner.BatchCreateAsync(objectType, creates, cancellationToken);

    public virtual Task<CrmBatchResult> BatchArchiveAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        inner.BatchArchiveAsync(objectType, ids, cancellationToken);

    public virtual Task CreateAssociationsAsync(string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken) =>
        inner.CreateAssociationsAsync(fromType, toType, links, cancellationToken);

    public virtual Task ArchiveAssociationsAsync(string fromType, string toType, IReadOnlyList<(string FromId, string ToId)> pairs, CancellationToken cancellationToken) =>
        inner.ArchiveAssociationsAsync(fromType, toType, pairs, cancellationToken);

    public virtual Task CreatePropertyGroupAsync(string objectType, CrmPropertyGroup group, CancellationToken cancellationToken) =>
        inner.CreatePropertyGroupAsync(objectType, group, cancellationToken);

    public virtual Task<IReadOnlyList<CrmPropertyGroup>> GetPropertyGroupsAsync(string objectType, CancellationToken cancellationToken) =>
        inner.GetPropertyGroupsAsync(objectType, cancellationToken);

    public virtual Task CreatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken) =>
        inner.CreatePropertyAsync(objectType, property, cancellationToken);

    public virtual Task UpdatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken) =>
        inner.UpdatePropertyAsync(objectType, property, cancellationToken);

    public virtual Task<CrmObjectSchema> CreateSchemaAsync(CrmObjectSchema schema, CancellationToken cancellationToken) =>
        inner.CreateSchemaAsync(schema, cancellationToken);
}
