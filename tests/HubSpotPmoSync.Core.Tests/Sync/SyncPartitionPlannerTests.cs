using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Core.Tests.Sync;

public sealed class SyncPartitionPlannerTests
{
    /// <summary>Every id above the listed part falls in exactly one partition; the ranges are contiguous, the last open.</summary>
    private static void AssertCoversEveryIdOnce(IReadOnlyList<SyncPartition> plan, long listedThrough, IEnumerable<long> ids)
    {
        Assert.Equal(Enumerable.Range(0, plan.Count), plan.Select(p => p.Index));
        Assert.Equal(listedThrough, plan[0].After);
        for (var i = 1; i < plan.Count; i++)
        {
            Assert.Equal(plan[i - 1].UpTo, plan[i].After);
            Assert.True(plan[i].After > plan[i - 1].After, $"partition {i} is empty by construction");
        }

        Assert.Null(plan[^1].UpTo);
        foreach (var id in ids)
        {
            var holders = plan.Count(p => p.Contains(id));
            Assert.Equal(id > listedThrough ? 1 : 0, holders);
        }
    }

    [Fact]
    public void Plan_DenseIds_SplitsTheRestIntoPartitionsOfAboutTheSize()
    {
        var plan = SyncPartitionPlanner.Plan(listedThrough: 1_099, lowestId: 1_000, highestId: 11_000, total: 10_001, partitionSize: 2_000, maxPartitions: 64);

        Assert.Equal(5, plan.Count);
        AssertCoversEveryIdOnce(plan, 1_099, Enumerable.Range(900, 10_300).Select(i => (long)i));
        var sizes = plan.Select(p => Enumerable.Range(1_000, 10_001).Count(id => p.Contains(id))).ToList();
        Assert.All(sizes, n => Assert.InRange(n, 1_900, 2_000));
        Assert.All(plan, p => Assert.Equal((SyncPartitionReader.Pending, (long?)null, false), (p.Reader, p.Position, p.Done)));
    }

    [Fact]
    public void Plan_SparseIds_EveryIdInExactlyOnePartitionSomeEmpty()
    {
        // Two clusters far apart: equal id widths leave most partitions empty, and still hold every id once.
        var ids = Enumerable.Range(0, 3_000).Select(i => 100L + i).Concat(Enumerable.Range(0, 3_000).Select(i => 90_000_000_000L + (i * 7))).ToList();
        var plan = SyncPartitionPlanner.Plan(listedThrough: 199, lowestId: 100, highestId: ids.Max(), total: ids.Count, partitionSize: 1_000, maxPartitions: 64);

        Assert.Equal(6, plan.Count);
        AssertCoversEveryIdOnce(plan, 199, ids.Append(ids.Max() + 1).Append(long.MaxValue));
        Assert.Contains(plan, p => !ids.Any(p.Contains));
    }

    [Fact]
    public void Plan_RandomPortals_CoverEveryIdExactlyOnce()
    {
        var random = new Random(15);
        for (var run = 0; run < 200; run++)
        {
            var count = random.Next(1, 3_000);
            var ids = Enumerable.Range(0, count).Select(_ => random.NextInt64(1, random.Next(2) == 0 ? 10_000 : 50_000_000_000)).Distinct().Order().ToList();
            var listedThrough = ids[random.Next(ids.Count)];
            var plan = SyncPartitionPlanner.Plan(listedThrough, ids[0], ids[^1], ids.Count, random.Next(1, 400), random.Next(1, 80));
            if (plan.Count == 0)
            {
                continue;
            }

            AssertCoversEveryIdOnce(plan, listedThrough, ids);
        }
    }

    [Theory]
    [InlineData(5_000, 1_000, 6_000, 5_000, 2_000)] // the list cursor read past the highest id already
    [InlineData(1_000, 1_000, 3_000, 2_000, 2_000)] // the whole type fits one partition
    [InlineData(2_900, 1_000, 3_000, 5_000, 2_000)] // what is left above the list cursor fits one partition
    public void Plan_NothingWorthSplitting_IsEmpty(long listedThrough, long lowest, long highest, long total, int size) =>
        Assert.Empty(SyncPartitionPlanner.Plan(listedThrough, lowest, highest, total, size, 64));

    [Fact]
    public void Plan_MoreThanTheMaximum_MakesLargerPartitions()
    {
        var plan = SyncPartitionPlanner.Plan(0, 1, 1_000_000, 1_000_000, 100, 8);

        Assert.Equal(8, plan.Count);
        AssertCoversEveryIdOnce(plan, 0, [1, 125_000, 125_001, 999_999, 1_000_000, 2_000_000]);
    }
}
