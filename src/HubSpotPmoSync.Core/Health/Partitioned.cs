namespace HubSpotPmoSync.Core.Health;

/// <summary>Parallel loops with one scratch object per worker (not per task), so large buffers are made once per core.</summary>
internal static class Partitioned
{
    private const int Chunk = 256;

    /// <summary>
    /// Runs <paramref name="body"/> for 0..<paramref name="count"/>−1 on up to one worker per core; the workers take
    /// chunks of items in turn. The body must write its result to the item's own slot: the order it runs in varies.
    /// </summary>
    public static void For<TScratch>(int count, Func<TScratch> scratch, Action<int, TScratch> body)
    {
        var workers = Math.Clamp((count + Chunk - 1) / Chunk, 1, Environment.ProcessorCount);
        var next = 0;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var mine = scratch();
            int start;
            while ((start = Interlocked.Add(ref next, Chunk) - Chunk) < count)
            {
                var end = Math.Min(start + Chunk, count);
                for (var i = start; i < end; i++)
                {
                    body(i, mine);
                }
            }
        });
    }
}
