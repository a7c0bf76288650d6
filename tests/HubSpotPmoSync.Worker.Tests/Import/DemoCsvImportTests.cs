namespace HubSpotPmoSync.Worker.Tests.Import;

/// <summary>The demo CSVs in config/demo import cleanly for the demo agency's project codes PRJ-0001..PRJ-0040.</summary>
public sealed class DemoCsvImportTests : IDisposable
{
    private static readonly string[] DemoCodes = Enumerable.Range(1, 40).Select(i => $"PRJ-{i:D4}").ToArray();
    private readonly ImportTestContext _context = new();

    public void Dispose() => _context.Dispose();

    private static string DemoFile(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HubSpotPmoSync.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "config", "demo", name);
    }

    [Fact]
    public void Import_DemoTimeEntries_AllRowsImportedNoneRejected()
    {
        var copy = _context.Write("time-entries.csv", File.ReadAllText(DemoFile("time-entries.csv")));

        var result = _context.TimeEntries().Import(copy, DemoCodes);

        Assert.Equal(0, result.Rejected);
        Assert.True(result.Read > 2_000);
        Assert.Equal(result.Read, result.Imported);
        // Time is booked on the 31 projects that have started; the 9 planned ones (PRJ-0014, won and starting later,
        // and PRJ-0033…0040, whose deals are still open) have none.
        var booked = _context.Store.Load().TimeEntries.Select(t => t.ProjectCode).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(31, booked.Count);
        Assert.All(booked, code => Assert.Contains(code, DemoCodes));
        Assert.DoesNotContain("PRJ-0014", booked);
        Assert.DoesNotContain("PRJ-0033", booked);
    }

    [Fact]
    public void Import_DemoMilestones_AllRowsImportedNoneRejected()
    {
        var copy = _context.Write("milestones.csv", File.ReadAllText(DemoFile("milestones.csv")));

        var result = _context.Milestones().Import(copy, DemoCodes);

        Assert.Equal(0, result.Rejected);
        Assert.Equal(200, result.Imported);
    }
}
