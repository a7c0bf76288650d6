namespace HubSpotPmoSync.Core.Crm;

/// <summary>Which records a list returns and where it starts.</summary>
/// <param name="Archived">True lists only archived records (HubSpot's <c>archived=true</c>).</param>
/// <param name="StartAfter">Resume a listing after this cursor (a previous page's <see cref="CrmPage.NextAfter"/>).</param>
/// <param name="PageSize">Records a page, at most 100.</param>
public sealed record CrmListOptions(bool Archived = false, string? StartAfter = null, int PageSize = 100);

/// <summary>
/// A window of modification times for an incremental read: records whose last-modified property lies in
/// [<paramref name="From"/>, <paramref name="To"/>] (both inclusive; <paramref name="To"/> null = open).
/// </summary>
public sealed record CrmModifiedWindow(DateTimeOffset From, DateTimeOffset? To = null);

/// <summary>A range of record ids for a partitioned read: ids in (<paramref name="After"/>, <paramref name="UpTo"/>] compared as numbers (<paramref name="UpTo"/> null = open).</summary>
public sealed record CrmIdWindow(long After, long? UpTo = null);

/// <summary>What search shows of a type: the highest record id and how many records it matches (archived ones never).</summary>
public sealed record CrmIdExtent(long HighestId, long Total);

/// <summary>
/// Reads from the CRM. Implementations page, batch, rate-limit and retry; callers see records.
/// </summary>
public interface ICrmSource
{
    /// <summary>Lists every record of a type with the list endpoint, page by page, in id order.</summary>
    IAsyncEnumerable<CrmPage> ListAsync(
        string objectType, IReadOnlyCollection<string> properties, CrmListOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Searches records modified in a window, ascending by last-modified time then id, 200 a page; windows with
    /// more than 10,000 matches are split so that every record is returned exactly once.
    /// </summary>
    IAsyncEnumerable<CrmPage> SearchModifiedAsync(
        string objectType, CrmModifiedWindow window, IReadOnlyCollection<string> properties, CancellationToken cancellationToken);

    /// <summary>
    /// The highest id and the number of records search shows for a type (one search, sorted by <c>hs_object_id</c>
    /// descending, one result); null when search shows none. Search lags writes: it is an estimate for planning.
    /// </summary>
    Task<CrmIdExtent?> SearchIdExtentAsync(string objectType, CancellationToken cancellationToken);

    /// <summary>
    /// Searches the records whose id lies in the window, ascending by numeric id, 200 a page. Each page is a query of
    /// its own (<c>hs_object_id GT</c> the last id returned), so the 10,000-result cap of one query never applies; a
    /// page's <see cref="CrmPage.NextAfter"/> is its last id (null on the last page). Search lags writes: a record
    /// written moments ago may be missing or show its previous values.
    /// </summary>
    IAsyncEnumerable<CrmPage> SearchIdsAsync(
        string objectType, CrmIdWindow window, IReadOnlyCollection<string> properties, CancellationToken cancellationToken);

    /// <summary>Reads records by id (chunks of 100); ids HubSpot does not find are listed as missing.</summary>
    Task<CrmBatchReadResult> BatchReadAsync(
        string objectType, IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken);

    /// <summary>Reads every link from the given records to records of <paramref name="toType"/> (v4 batch read, paging followed).</summary>
    Task<IReadOnlyList<CrmAssociationLink>> ReadAssociationsAsync(
        string fromType, string toType, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken);

    /// <summary>The portal's property definitions for a type.</summary>
    Task<IReadOnlyList<CrmPropertyDefinition>> GetPropertiesAsync(string objectType, CancellationToken cancellationToken);

    /// <summary>
    /// The type's archived property definitions: properties deleted in HubSpot, which keep their names (HubSpot refuses
    /// a new property under one of them until it is restored).
    /// </summary>
    Task<IReadOnlyList<CrmPropertyDefinition>> GetArchivedPropertiesAsync(string objectType, CancellationToken cancellationToken);

    /// <summary>The pipelines of a type (deals, tickets, projects).</summary>
    Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(string objectType, CancellationToken cancellationToken);

    /// <summary>The custom object schemas of the portal.</summary>
    Task<IReadOnlyList<CrmObjectSchema>> GetSchemasAsync(CancellationToken cancellationToken);
}
