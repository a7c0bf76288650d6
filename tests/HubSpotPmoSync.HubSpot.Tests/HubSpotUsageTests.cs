namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotUsageTests
{
    [Fact]
    public async Task Record_ConcurrentCalls_CountsEveryOne()
    {
        var usage = new HubSpotUsage();

        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), (i, _) =>
        {
            usage.Record(i % 2 == 0 ? "GET /a" : "POST /b/batch/update", i % 10 == 0 ? "429" : "200");
            return ValueTask.CompletedTask;
        });

        var snapshot = usage.Snapshot();
        Assert.Equal(1000, snapshot.TotalCalls);
        Assert.Equal(100, snapshot.RateLimited);
        Assert.Equal(500, snapshot.WriteCalls);
        Assert.Equal(400, snapshot.Calls["GET /a"]["200"]);
        Assert.Equal(100, snapshot.Calls["GET /a"]["429"]);
    }

    [Fact]
    public void Snapshot_IsACopy()
    {
        var usage = new HubSpotUsage();
        usage.Record("GET /a", "200");
        var before = usage.Snapshot();

        usage.Record("GET /a", "200");

        Assert.Equal(1, before.TotalCalls);
        Assert.Equal(2, usage.Snapshot().TotalCalls);
    }
}
