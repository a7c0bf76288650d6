namespace HubSpotPmoSync.Core.Crm;

/// <summary>
/// Writes to the CRM. Batches are split into chunks of 100; each input gets an outcome, so one bad record
/// never hides the others.
/// </summary>
public interface ICrmWriter
{
    Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken);

    Task<CrmBatchResult> BatchUpsertAsync(
        string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken);

    Task<CrmBatchResult> BatchCreateAsync(string objectType, IReadOnlyList<CrmCreate> creates, CancellationToken cancellationToken);

    Task<CrmBatchResult> BatchArchiveAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>Creates links (default type when a link has no kinds, labelled otherwise).</summary>
    Task CreateAssociationsAsync(
        string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken);

    /// <summary>Removes every link between each pair.</summary>
    Task ArchiveAssociationsAsync(
        string fromType, string toType, IReadOnlyList<(string FromId, string ToId)> pairs, CancellationToken cancellationToken);

    Task CreatePropertyGroupAsync(string objectType, CrmPropertyGroup group, CancellationToken cancellationToken);

    Task<IReadOnlyList<CrmPropertyGroup>> GetPropertyGroupsAsync(string objectType, CancellationToken cancellationToken);

    Task CreatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken);

    Task UpdatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken);

    /// <summary>Creates a custom object schema; returns it with its objectTypeId and fullyQualifiedName.</summary>
    Task<CrmObjectSchema> CreateSchemaAsync(CrmObjectSchema schema, CancellationToken cancellationToken);
}
