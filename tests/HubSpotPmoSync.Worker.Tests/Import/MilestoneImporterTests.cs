namespace HubSpotPmoSync.Worker.Tests.Import;

public sealed class MilestoneImporterTests : IDisposable
{
    private static readonly string[] Known = ["PRJ-0001"];
    private readonly ImportTestContext _context = new();

    public void Dispose() => _context.Dispose();

    private const string Header = "Project Code,Milestone,Planned Date,Actual Date,Weight,Percent Complete\n";

    [Fact]
    public void Import_BadRowsRejectedWithLines_RestStored()
    {
        var path = _context.Write("m.csv", Header
            + "PRJ-0001,Kickoff,2026-03-02,2026-03-02,1,100\n"     // 2 ok
            + "PRJ-0001,Design,2026-03-20,,2,40\n"                 // 3 ok
            + "PRJ-0404,Design,2026-03-20,,2,40\n"                 // 4 unknown project
            + "PRJ-0001,Build,2026-13-01,,2,0\n"                   // 5 bad date
            + "PRJ-0001,Build,2026-04-01,,heavy,0\n"               // 6 bad number
            + "PRJ-0001,Build,2026-04-01,,0,0\n"                   // 7 weight out of range
            + "PRJ-0001,Build,2026-04-01,,1,120\n"                 // 8 percent out of range
            + "PRJ-0001,design,2026-03-21,,2,40\n"                 // 9 duplicate of line 3
            + "PRJ-0001,,2026-04-01,,1,0\n"                        // 10 missing name
            + "PRJ-0001,UAT,2026-04-10,2026-04-09,1,50\n"          // 11 reached but not 100
            + "PRJ-0001,Go-live,2026-04-30\n");                    // 12 wrong column count

        var result = _context.Milestones().Import(path, Known);

        Assert.Equal(2, result.Imported);
        Assert.Equal([4L, 5, 6, 7, 8, 9, 10, 11, 12], result.Rejections.Select(r => r.Line));
        Assert.Equal("unknown project code 'PRJ-0404'", result.Rejections[0].Reason);
        Assert.Equal("duplicate row: milestone 'design' of PRJ-0001 is already on line 3", result.Rejections[5].Reason);
        Assert.Equal("missing required value 'Milestone'", result.Rejections[6].Reason);
        Assert.True(File.Exists(path + ".rejects.csv"));
        Assert.Equal(2, _context.Store.Load().Milestones.Count);
    }

    [Fact]
    public void Import_SameFileAgain_AddsNothing_ChangedRowUpdates()
    {
        var path = _context.Write("m.csv", Header + "PRJ-0001,Kickoff,2026-03-02,2026-03-02,1,100\nPRJ-0001,Design,2026-03-20,,2,40\n");
        var importer = _context.Milestones();
        importer.Import(path, Known);

        var again = importer.Import(path, Known);
        File.WriteAllText(path, Header + "PRJ-0001,Kickoff,2026-03-02,2026-03-02,1,100\nPRJ-0001,Design,2026-03-20,,2,75\n");
        var changed = importer.Import(path, Known);

        Assert.Equal((0, 0, 2), (again.Imported, again.Updated, again.DuplicatesSkipped));
        Assert.Equal((0, 1, 1), (changed.Imported, changed.Updated, changed.DuplicatesSkipped));
        Assert.Equal([100m, 75m], _context.Store.Load().Milestones.Select(m => m.PercentComplete));
    }
}
