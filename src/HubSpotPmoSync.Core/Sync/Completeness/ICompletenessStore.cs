using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync.Completeness;

/// <summary>A stored record's id and whether it is archived locally.</summary>
public sealed record StoredId(string Id, bool Archived);

/// <summary>
/// Where the rolling completeness check of one object type stands (migration 0013, <c>completeness_positions</c>).
/// </summary>
/// <param name="AfterId">The last id the current pass has checked (null: the pass starts at the lowest id).</param>
/// <param name="Checked">Stored ids the current pass has checked.</param>
/// <param name="Total">Stored ids when the last check ran (the pass's denominator).</param>
/// <param name="PassStartedAt">When the current pass started.</param>
/// <param name="LastCheckAt">When the last check ran (a one-shot <c>sync</c> sizes its slice from the time since).</param>
/// <param name="LastPassCompletedAt">When the last whole pass completed (null: never).</param>
/// <param name="LastCalls">Calls the last check made.</param>
/// <param name="PassEvery">How often a whole pass comes round at the last check's slice size.</param>
public sealed record CompletenessPosition(
    EntityKind Kind,
    string? AfterId,
    long Checked,
    long Total,
    DateTimeOffset? PassStartedAt,
    DateTimeOffset? LastCheckAt,
    DateTimeOffset? LastPassCompletedAt,
    long LastCalls,
    TimeSpan? PassEvery)
{
    /// <summary>How far the current pass has got, 0–1.</summary>
    public double Progress => Total <= 0 ? 1 : Math.Min(1, (double)Checked / Total);
}

/// <summary>
/// What the completeness check needs of the store beyond <see cref="IDeliveryStore"/>: stored ids in numeric order and
/// the rolling position per object type. A store without it runs no completeness check.
/// </summary>
public interface ICompletenessStore
{
    /// <summary>Stored records of a type (archived ones included) and how many of them are archived.</summary>
    Task<KindSize> GetSizeAsync(EntityKind kind, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> stored ids of a type above <paramref name="afterId"/> (null: from the lowest), in numeric order.</summary>
    Task<IReadOnlyList<StoredId>> GetIdsAsync(EntityKind kind, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>The position of a type (null before its first check).</summary>
    Task<CompletenessPosition?> GetPositionAsync(EntityKind kind, CancellationToken cancellationToken);

    /// <summary>Saves the position of a type.</summary>
    Task SavePositionAsync(CompletenessPosition position, CancellationToken cancellationToken);
}
