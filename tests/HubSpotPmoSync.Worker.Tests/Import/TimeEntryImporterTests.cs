using System.Text;
using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Import;

public sealed class TimeEntryImporterTests : IDisposable
{
    private static readonly string[] Known = ["PRJ-0001", "PRJ-0002"];
    private readonly ImportTestContext _context = new();

    public void Dispose() => _context.Dispose();

    private const string Header = "Date,Project Code,Person,Hours,Cost Rate,Billable Rate,Notes\n";

    // Line numbers: the header is line 1. Line 12-13 is one record whose quoted note spans two lines.
    private const string MixedFile = Header
        + "2026-03-02,PRJ-0001,Ana Souza,7.5,55.00,140.00,Discovery\n"      // 2  ok
        + "2026-03-02,PRJ-9999,Ana Souza,2,55,140,Unknown project\n"        // 3  unknown project code
        + "2026-02-30,PRJ-0001,Ana Souza,2,55,140,No such day\n"           // 4  bad date
        + "2026-03-03,PRJ-0001,Ana Souza,two,55,140,Words\n"               // 5  bad number
        + "2026-03-03,PRJ-0001,Ana Souza,-2,55,140,Negative\n"             // 6  negative hours
        + "2026-03-02,prj-0001,Ana Souza,7.50,55,140,Discovery\n"          // 7  duplicate of line 2
        + "2026-03-03,PRJ-0001,Ana Souza,2\n"                              // 8  wrong column count
        + "2026-03-03,PRJ-0002,,2,55,140,Nobody\n"                         // 9  missing required value
        + "2026-03-03,PRJ-0002,Ben Carter,2,55000,140,Expensive\n"         // 10 rate out of range
        + "2026-03-03,PRJ-0002,Ben Carter,2,55,140,say \"hi\" there\n"     // 11 malformed CSV
        + "2026-03-04,PRJ-0002,Ben Carter,3,48,120,\"two-line\nnote\"\n"   // 12-13 ok
        + "2026-03-04,PRJ-0002,Ben Carter,25,48,120,Too long a day\n"      // 14 hours out of range
        + "2026-03-05,PRJ-0002,Ben Carter,1.25,48,,Non-billable\n";        // 15 ok (blank bill rate)

    [Fact]
    public void Import_FileWithEveryKindOfBadRow_RejectsEachWithItsLineAndImportsTheRest()
    {
        var path = _context.Write("harvest.csv", MixedFile);

        var result = _context.TimeEntries().Import(path, Known);

        Assert.Equal(13, result.Read);
        Assert.Equal(3, result.Imported);
        Assert.Equal(0, result.DuplicatesSkipped);
        Assert.Equal(10, result.Rejected);
        var expected = new (long Line, string Reason)[]
        {
            (3, "unknown project code 'PRJ-9999'"),
            (4, "bad date '2026-02-30' in 'Date' (expected yyyy-MM-dd)"),
            (5, "bad number 'two' in 'Hours'"),
            (6, "negative hours (-2)"),
            (7, "duplicate row: same as line 2"),
            (8, "wrong column count: 4 fields, the header has 7"),
            (9, "missing required value 'Person'"),
            (10, "rate out of range: 'Cost Rate' 55000 (allowed 0 to 5000)"),
            (11, "malformed CSV: a quote inside an unquoted field or after a closing quote"),
            (14, "hours out of range: 25 (allowed above 0 up to 24)"),
        };
        Assert.Equal(expected, result.Rejections.Select(r => (r.Line, r.Reason)));
    }

    [Fact]
    public void Import_Rejects_WrittenNextToTheInputWithLineReasonAndRaw()
    {
        var path = _context.Write("harvest.csv", MixedFile);

        var result = _context.TimeEntries().Import(path, Known);

        Assert.Equal(path + ".rejects.csv", result.RejectsPath);
        var lines = File.ReadAllLines(result.RejectsPath!);
        Assert.Equal("line,reason,raw", lines[0]);
        Assert.Equal(11, lines.Length);
        Assert.Equal("3,unknown project code 'PRJ-9999',\"2026-03-02,PRJ-9999,Ana Souza,2,55,140,Unknown project\"", lines[1]);
        Assert.Equal("8,\"wrong column count: 4 fields, the header has 7\",\"2026-03-03,PRJ-0001,Ana Souza,2\"", lines[6]);
    }

    [Fact]
    public void Import_SameFileAgain_AddsNothing()
    {
        var path = _context.Write("harvest.csv", MixedFile);
        var importer = _context.TimeEntries();
        importer.Import(path, Known);

        var again = importer.Import(path, Known);

        Assert.Equal(0, again.Imported);
        Assert.Equal(3, again.DuplicatesSkipped);
        Assert.Equal(10, again.Rejected);
        var data = _context.Store.Load();
        Assert.Equal(3, data.TimeEntries.Count);
        Assert.Equal(2, _context.Store.LoadImportBatches().Count);
    }

    [Fact]
    public void Import_StoresCanonicalCodeAndExactDecimals()
    {
        var path = _context.Write("t.csv", Header + "2026-03-02,prj-0001,Ana Souza,0.1,55.555,140,\n");

        _context.TimeEntries().Import(path, Known);

        var entry = Assert.Single(_context.Store.Load().TimeEntries);
        Assert.Equal("PRJ-0001", entry.ProjectCode);
        Assert.Equal(0.1m, entry.Hours);
        Assert.Equal(55.555m, entry.CostRate);
        Assert.Null(entry.Notes);
        Assert.Equal(5.5555m, entry.Cost);
    }

    [Fact]
    public void Import_CleanFile_NoRejectsFileAndStaleOneRemoved()
    {
        var path = _context.Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,1,55,140,ok\n");
        File.WriteAllText(path + ".rejects.csv", "stale");

        var result = _context.TimeEntries().Import(path, Known);

        Assert.Null(result.RejectsPath);
        Assert.False(File.Exists(path + ".rejects.csv"));
        Assert.Equal(1, result.Imported);
    }

    [Fact]
    public void Import_MissingRequiredColumn_FailsNamingIt()
    {
        var path = _context.Write("t.csv", "Date,Project,Person,Hours,Cost Rate\n2026-03-02,PRJ-0001,Ana,1,55\n");

        var ex = Assert.Throws<ImportFileException>(() => _context.TimeEntries().Import(path, Known));

        Assert.Contains("'Project Code'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_context.Store.Load().TimeEntries);
    }

    [Fact]
    public void Import_EmptyOrMissingFile_Fails()
    {
        var empty = _context.Write("empty.csv", "");

        Assert.Throws<ImportFileException>(() => _context.TimeEntries().Import(empty, Known));
        Assert.Throws<ImportFileException>(() => _context.TimeEntries().Import(empty + ".missing", Known));
    }

    [Fact]
    public void Import_MappedColumnsAndDateFormat_FromOptions()
    {
        var options = new TimeEntryImportOptions
        {
            Columns = new TimeEntryColumns { Date = "Day", ProjectCode = "Job", Person = "Who", Hours = "Time", CostRate = "Cost", BillRate = "Rate", Notes = "Text" },
            DateFormats = ["dd/MM/yyyy"],
            Delimiter = ";",
        };
        var path = _context.Write("t.csv", "Day;Job;Who;Time;Cost;Rate;Text\n02/03/2026;PRJ-0002;Ana;1.5;50;100;x\n");

        var result = _context.TimeEntries(options).Import(path, Known);

        Assert.Equal(1, result.Imported);
        var entry = Assert.Single(_context.Store.Load().TimeEntries);
        Assert.Equal(new DateOnly(2026, 3, 2), entry.Date);
        Assert.Equal(1.5m, entry.Hours);
    }

    // Issue 17, point 7: CSV imports must not distort data in silence.

    [Fact]
    public void Import_Latin1FileUnderAutoEncoding_RejectedNamingTheLineTheByteAndTheSetting()
    {
        var path = _context.WriteBytes("latin1.csv", Encoding.Latin1.GetBytes(Header
            + "2026-03-02,PRJ-0001,Ana Souza,2,55,140,Discovery\n"
            + "2026-03-02,PRJ-0001,Zo\u00eb M\u00fcller,2,55,140,Design\n"));

        var ex = Assert.Throws<ImportFileException>(() => _context.TimeEntries().Import(path, Known));

        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0xEB", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Import:Encoding=windows-1252", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_context.Store.Load().TimeEntries);
    }

    [Fact]
    public void Import_Latin1FileWithEncodingWindows1252_NamesReadRight()
    {
        var path = _context.WriteBytes("latin1.csv", Encoding.Latin1.GetBytes(Header + "2026-03-02,PRJ-0001,Zo\u00eb M\u00fcller,2,55,140,Caf\u00e9 workshop\n"));

        var result = _context.TimeEntries(new Dictionary<string, string?> { ["Import:Encoding"] = "windows-1252" }).Import(path, Known);

        Assert.Equal(1, result.Imported);
        var entry = Assert.Single(_context.Store.Load().TimeEntries);
        Assert.Equal("Zo\u00eb M\u00fcller", entry.Person);
        Assert.Equal("Caf\u00e9 workshop", entry.Notes);
    }

    [Fact]
    public void Import_Utf8WithAndWithoutBom_NamesReadRight()
    {
        var row = "2026-03-02,PRJ-0001,Zo\u00eb M\u00fcller,2,55,140,x\n";
        var bom = _context.WriteBytes("bom.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Header + row)]);
        var plain = _context.WriteBytes("plain.csv", Encoding.UTF8.GetBytes(Header + row.Replace("x", "y", StringComparison.Ordinal)));

        _context.TimeEntries().Import(bom, Known);
        _context.TimeEntries().Import(plain, Known);

        Assert.Equal(["Zo\u00eb M\u00fcller", "Zo\u00eb M\u00fcller"], _context.Store.Load().TimeEntries.Select(e => e.Person));
    }

    [Fact]
    public void Import_DecimalCommaWithCultureDeDe_ReadAsDecimals()
    {
        var path = _context.Write("de.csv", "Date;Project Code;Person;Hours;Cost Rate;Billable Rate;Notes\n02.03.2026;PRJ-0001;Ana Souza;7,5;48,00;120,50;Discovery\n");

        var result = _context.TimeEntries(new Dictionary<string, string?> { ["Import:Culture"] = "de-DE" }).Import(path, Known);

        Assert.Equal(0, result.Rejected);
        var entry = Assert.Single(_context.Store.Load().TimeEntries);
        Assert.Equal((new DateOnly(2026, 3, 2), 7.5m, 48m, 120.5m), (entry.Date, entry.Hours, entry.CostRate, entry.BillRate));
    }

    [Fact]
    public void Import_DecimalCommaUnderInvariantCulture_RowRejectedSayingToSetImportCulture()
    {
        var path = _context.Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,\"7,5\",55,140,Discovery\n");

        var result = _context.TimeEntries().Import(path, Known);

        var rejection = Assert.Single(result.Rejections);
        Assert.StartsWith("bad number '7,5' in 'Hours'", rejection.Reason, StringComparison.Ordinal);
        Assert.Contains("Import:Culture", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_PointUnderCultureDeDe_RowRejectedNamingTheCulture()
    {
        var path = _context.Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,7.5,55,140,Discovery\n");

        var result = _context.TimeEntries(new Dictionary<string, string?> { ["Import:Culture"] = "de-DE" }).Import(path, Known);

        var rejection = Assert.Single(result.Rejections);
        Assert.StartsWith("bad number '7.5' in 'Hours'", rejection.Reason, StringComparison.Ordinal);
        Assert.Contains("de-DE", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_UnknownCulture_FailsAtStartNamingImportCulture()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => _context.TimeEntries(new Dictionary<string, string?> { ["Import:Culture"] = "xx-YY" }).Import(_context.Write("t.csv", Header), Known));

        Assert.Contains(ex.Failures, f => f.StartsWith("Import:Culture 'xx-YY'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(";")]
    [InlineData("\t")]
    public void Import_OtherDelimiterWithDefaults_DetectedFromTheHeader(string delimiter)
    {
        var path = _context.Write("t.csv", (Header + "2026-03-02,PRJ-0001,Ana Souza,2,55,140,Discovery\n").Replace(",", delimiter, StringComparison.Ordinal));

        var result = _context.TimeEntries().Import(path, Known);

        Assert.Equal((1, 0), (result.Imported, result.Rejected));
        Assert.Equal("Discovery", Assert.Single(_context.Store.Load().TimeEntries).Notes);
    }

    [Fact]
    public void Import_SemicolonFileWithDelimiterComma_ErrorNamesTheDelimiterSeenAndTheOneExpected()
    {
        var path = _context.Write("t.csv", Header.Replace(',', ';') + "2026-03-02;PRJ-0001;Ana Souza;2;55;140;Discovery\n");

        var ex = Assert.Throws<ImportFileException>(() => _context.TimeEntries(new Dictionary<string, string?> { ["Import:Delimiter"] = "," }).Import(path, Known));

        Assert.Contains("lacks the required column(s)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("separated by ';'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Import:Delimiter is ','", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_CorrectedRowAgain_ReplacesTheEntryInsteadOfAddingOne()
    {
        var path = _context.Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n2026-03-03,PRJ-0001,Ana Souza,2,55,140,Discovery\n");
        var importer = _context.TimeEntries();
        importer.Import(path, Known);
        File.WriteAllText(path, Header + "2026-03-02,PRJ-0001,Ana Souza,6,55,140,Discovery\n2026-03-03,PRJ-0001,Ana Souza,2,55,140,Discovery\n");

        var again = importer.Import(path, Known);

        Assert.Equal((0, 1, 1), (again.Imported, again.Updated, again.DuplicatesSkipped));
        Assert.Equal([6m, 2m], _context.Store.Load().TimeEntries.Select(e => e.Hours));
    }

    [Fact]
    public void Import_SameKeyTwiceInOneFile_BothKeptAndACorrectionReplacesTheRightOne()
    {
        var path = _context.Write("t.csv", Header + "2026-03-02,PRJ-0001,Ana Souza,1,55,140,Meeting\n2026-03-02,PRJ-0001,Ana Souza,2,55,140,Meeting\n");
        var importer = _context.TimeEntries();
        var first = importer.Import(path, Known);
        File.WriteAllText(path, Header + "2026-03-02,PRJ-0001,Ana Souza,1,55,140,Meeting\n2026-03-02,PRJ-0001,Ana Souza,3,55,140,Meeting\n");

        var again = importer.Import(path, Known);

        Assert.Equal(2, first.Imported);
        Assert.Equal((0, 1, 1), (again.Imported, again.Updated, again.DuplicatesSkipped));
        Assert.Equal([1m, 3m], _context.Store.Load().TimeEntries.Select(e => e.Hours));
    }

    [Fact]
    public void Import_KeyById_ChangedNotesReplaceAndARepeatedIdIsRejected()
    {
        var settings = new Dictionary<string, string?> { ["Import:TimeEntries:Key:0"] = "Id" };
        var header = "Id," + Header;
        var path = _context.Write("t.csv", header + "T-1,2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery\n");
        _context.TimeEntries(settings).Import(path, Known);
        File.WriteAllText(path, header + "T-1,2026-03-02,PRJ-0001,Ana Souza,4,55,140,Discovery workshop\nT-1,2026-03-03,PRJ-0001,Ana Souza,1,55,140,Again\n");

        var again = _context.TimeEntries(settings).Import(path, Known);

        Assert.Equal((0, 1), (again.Imported, again.Updated));
        Assert.Equal("duplicate Id 'T-1': already on line 2", Assert.Single(again.Rejections).Reason);
        Assert.Equal("Discovery workshop", Assert.Single(_context.Store.Load().TimeEntries).Notes);
    }

    [Fact]
    public void Import_UnknownKeyColumn_FailsAtStartNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => _context.TimeEntries(new Dictionary<string, string?> { ["Import:TimeEntries:Key:0"] = "Colour" }).Import(_context.Write("t.csv", Header), Known));

        Assert.Contains(ex.Failures, f => f.StartsWith("Import:TimeEntries:Key:0 'Colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_Utf8FileReadAsWindows1252_ImportedWithAWarning()
    {
        var path = _context.WriteBytes("utf8.csv", Encoding.UTF8.GetBytes(Header + "2026-03-02,PRJ-0001,Zo\u00eb M\u00fcller,2,55,140,x\n"));

        var result = _context.TimeEntries(new Dictionary<string, string?> { ["Import:Encoding"] = "windows-1252" }).Import(path, Known);

        Assert.Equal(1, result.Imported);
        Assert.Contains(result.Warnings, w => w.Contains("valid UTF-8", StringComparison.Ordinal) && w.Contains("Import:Encoding=windows-1252", StringComparison.Ordinal));
    }
}
