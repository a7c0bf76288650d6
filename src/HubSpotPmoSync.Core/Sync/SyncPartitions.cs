namespace HubSpotPmoSync.Core.Sync;

/// <summary>Who reads a partition of a listing.</summary>
public enum SyncPartitionReader
{
    /// <summary>Not started: the list cursor or a search may take it.</summary>
    Pending,

    /// <summary>The list cursor reads it (it reached it in id order).</summary>
    List,

    /// <summary>A search by id range reads it.</summary>
    Search,
}

/// <summary>
/// One id range of a partitioned listing: records with ids in (<see cref="After"/>, <see cref="UpTo"/>] (null = open),
/// compared as numbers. A search partition resumes after <see cref="Position"/>, the last id committed with its page.
/// </summary>
public sealed record SyncPartition(int Index, long After, long? UpTo)
{
    /// <summary>Who reads it.</summary>
    public SyncPartitionReader Reader { get; init; }

    /// <summary>The last id a search of this partition committed (null before its first page).</summary>
    public long? Position { get; init; }

    /// <summary>Every record of the range is read and committed.</summary>
    public bool Done { get; init; }

    /// <summary>Whether an id lies in the range.</summary>
    public bool Contains(long id) => id > After && (UpTo is null || id <= UpTo);
}

/// <summary>
/// Splits the part of a type's id space the list cursor has not reached into ranges of about
/// <c>partitionSize</c> records each, for searches by id range to read beside the list cursor. Pure.
/// </summary>
public static class SyncPartitionPlanner
{
    /// <summary>
    /// The partitions above <paramref name="listedThrough"/>: contiguous, disjoint, in ascending id order, the last one
    /// open (so a record created during the listing with a higher id still falls in one). Equal id widths sized from
    /// the density of ids between <paramref name="lowestId"/> and <paramref name="highestId"/>; sparse ids only make
    /// some ranges hold fewer records (or none). Empty when what is left fits one partition.
    /// </summary>
    /// <param name="listedThrough">The highest id the list cursor has read: everything at or below it is listed.</param>
    /// <param name="lowestId">The lowest id (the list's first record).</param>
    /// <param name="highestId">The highest id search shows.</param>
    /// <param name="total">How many records search shows.</param>
    /// <param name="partitionSize">About how many records a partition holds.</param>
    /// <param name="maxPartitions">The most partitions to make (larger ones beyond it).</param>
    public static IReadOnlyList<SyncPartition> Plan(long listedThrough, long lowestId, long highestId, long total, int partitionSize, int maxPartitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartitions, 1);
        if (highestId <= listedThrough || total <= partitionSize)
        {
            return [];
        }

        var span = (double)highestId - Math.Min(lowestId, listedThrough) + 1;
        var remaining = total * ((highestId - (double)listedThrough) / span);
        var count = (int)Math.Min(maxPartitions, Math.Ceiling(remaining / partitionSize));
        if (count < 2)
        {
            return [];
        }

        var width = (highestId - listedThrough + count - 1) / count;
        var partitions = new List<SyncPartition>(count);
        for (var i = 0; i < count; i++)
        {
            var after = listedThrough + (i * width);
            partitions.Add(new SyncPartition(i, after, i == count - 1 ? null : after + width));
        }

        return partitions;
    }
}
