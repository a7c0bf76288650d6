using System.Net;
using System.Net.Sockets;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Commands;
using HubSpotPmoSync.Worker.Tests.Support;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.Commands;

/// <summary>
/// <c>doctor</c> against the emulator over HTTP (and against nothing at all), and the start-up scope check of <c>sync</c>:
/// an emulator whose token lacks one scope the mappings need makes <c>doctor</c> exit 2 naming it, and <c>sync</c> stop
/// before its first write to HubSpot with a message naming it.
/// </summary>
public sealed class DoctorCommandTests
{
    /// <summary>Every scope the shipped mappings (native projects) and <c>schema apply</c> need.</summary>
    private static readonly string[] AllScopes =
    [
        "crm.objects.companies.read", "crm.objects.companies.write", "crm.schemas.companies.read", "crm.schemas.companies.write",
        "crm.objects.deals.read", "crm.objects.deals.write", "crm.schemas.deals.read", "crm.schemas.deals.write",
        "tickets",
        "crm.objects.projects.read", "crm.objects.projects.write", "crm.schemas.projects.read", "crm.schemas.projects.write",
    ];

    [Fact]
    public async Task Doctor_PortalReady_Exits0WithEveryLinePassingAndNoToken()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        h.Emulator.Control.SetScopes(AllScopes);
        await h.RunOkAsync("schema", "apply");

        var result = await h.RunAsync("doctor");

        Assert.True(result.Code == 0, result.Output + result.Error);
        foreach (var line in new[] { "HubSpot reachable", "token accepted", "API version served", "scope crm.objects.deals.write", "scope tickets", "project object and properties", "daily usage", "clock", "database path" })
        {
            Assert.Contains(line, result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("emulator-token", result.Output + result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(h.DatabasePath), "doctor created the database");
    }

    [Fact]
    public async Task Doctor_TokenLacksOneScopeTheMappingsNeed_Exits2NamingIt()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await h.RunOkAsync("schema", "apply");
        h.Emulator.Control.SetScopes(AllScopes.Where(s => s != "crm.objects.deals.write"));

        var result = await h.RunAsync("doctor");

        Assert.True(result.Code == 2, result.Output + result.Error);
        var line = Assert.Single(result.Output.Split('\n'), l => l.Contains("crm.objects.deals.write", StringComparison.Ordinal) && l.Contains("FAIL", StringComparison.Ordinal));
        Assert.Contains("missing", line, StringComparison.Ordinal);
        Assert.Contains("scope crm.objects.deals.read", result.Output, StringComparison.Ordinal);
    }

    /// <summary>A missing write scope is found by the probe before the first write; a missing read scope by the pull's first read.</summary>
    [Theory]
    [InlineData("crm.objects.deals.write")]
    [InlineData("tickets")]
    public async Task Sync_TokenLacksAScope_Exits2NamingItBeforeAnyWrite(string missing)
    {
        await using var h = await WriteBackHarness.StartAsync("demo");
        await h.RunOkAsync("schema", "apply");
        h.Emulator.Control.SetScopes(AllScopes.Where(s => s != missing));
        var writesBefore = SucceededWrites(h);

        var result = await h.RunAsync("sync");

        Assert.True(result.Code == 2, result.Output + result.Error);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
        Assert.Equal(writesBefore, SucceededWrites(h));
    }

    [Fact]
    public async Task Doctor_SchemaNotApplied_Exits2TellingToRunSchemaApply()
    {
        await using var h = await WriteBackHarness.StartAsync("demo");

        var result = await h.RunAsync("doctor");

        Assert.Equal(2, result.Code);
        var line = Assert.Single(result.Output.Split('\n'), l => l.Contains("project object and properties", StringComparison.Ordinal));
        Assert.Contains("FAIL", line, StringComparison.Ordinal);
        Assert.Contains("schema apply", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_HubSpotUnreachable_Exits1NamingTheAddress()
    {
        await using var h = await WriteBackHarness.StartAsync("none");
        h.BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/");

        var result = await h.RunAsync("doctor");

        Assert.True(result.Code == 1, result.Output + result.Error);
        Assert.Contains(h.BaseAddress.ToString(), result.Output, StringComparison.Ordinal);
        Assert.Contains("refused", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("database path", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_UnknownApiVersion_Exits2NamingTheKey()
    {
        await using var h = await WriteBackHarness.StartAsync("none");
        h.Settings["HubSpot:ApiVersion"] = "2026-04";

        var result = await h.RunAsync("doctor");

        Assert.Equal(2, result.Code);
        Assert.Contains("HubSpot:ApiVersion", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "Pass")]
    [InlineData(900, "Pass")]
    [InlineData(4_000, "Pass")]
    [InlineData(-3_000, "Pass")]
    [InlineData(8_000, "Warn")]
    [InlineData(-30_000, "Warn")]
    [InlineData(75_000, "Fail")]
    [InlineData(-120_000, "Fail")]
    public void Clock_SkewAgainstHubSpotsDate_VerdictAllowsTheHeadersSecond(int localAheadMs, string expected)
    {
        var server = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var ping = Ping(server);

        var check = DoctorCommand.Clock(ping, server + TimeSpan.FromMilliseconds(localAheadMs));

        Assert.Equal(Enum.Parse<DoctorVerdict>(expected), check.Verdict);
    }

    [Fact]
    public void Usage_ShareSpent_FailsWithTheReserveNamed()
    {
        var check = DoctorCommand.Usage(new HubSpotDailyUsage(UsageLimit: 500_000, CurrentUsage: 260_000, ResetsAt: null, CollectedAt: null), share: 0.5);

        Assert.Equal(DoctorVerdict.Fail, check.Verdict);
        Assert.Contains("HubSpot:DailyQuotaShare", check.Detail, StringComparison.Ordinal);
        Assert.Contains("250,000", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_PlentyLeft_PassesWithWhatIsLeftForTheWorker()
    {
        var check = DoctorCommand.Usage(new HubSpotDailyUsage(UsageLimit: 500_000, CurrentUsage: 10_000, ResetsAt: null, CollectedAt: null), share: 0.5);

        Assert.Equal(DoctorVerdict.Pass, check.Verdict);
        Assert.Contains("240,000 left for this worker", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DatabasePath_ParentIsAFile_FailsNamingIt()
    {
        var folder = Directory.CreateTempSubdirectory("hps-doctor-");
        try
        {
            var file = Path.Combine(folder.FullName, "not-a-folder");
            File.WriteAllText(file, "x");

            var check = DoctorCommand.DatabasePath(new StorageOptions { DatabasePath = Path.Combine(file, "data", "pmo.db") });

            Assert.Equal(DoctorVerdict.Fail, check.Verdict);
            Assert.Contains("not-a-folder is a file", check.Detail, StringComparison.Ordinal);
            Assert.Contains("Storage:DatabasePath", check.Fix, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void DatabasePath_NewFileInWritableFolder_PassesAndCreatesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("hps-doctor-");
        try
        {
            var check = DoctorCommand.DatabasePath(new StorageOptions { DatabasePath = Path.Combine(folder.FullName, "sub", "pmo.db") });

            Assert.Equal(DoctorVerdict.Pass, check.Verdict);
            Assert.Empty(folder.EnumerateFileSystemInfos());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static HubSpotPing Ping(DateTimeOffset serverDate) => new(
        new Uri("https://api.hubapi.com/"), "2026-03", "GET /crm/objects/2026-03/companies?limit=1", Reachable: true, UnreachableReason: null,
        StatusCode: 200, HubSpotTokenStatus.Accepted, HubSpotVersionStatus.Served, serverDate, TimeSpan.FromMilliseconds(120), Detail: null);

    /// <summary>Records the emulator changed (created, updated, archived, upserted, linked …), counted per record: a probe with no inputs changes none.</summary>
    private static long SucceededWrites(WriteBackHarness h) => h.Emulator.Control.Stats().Writes.Values.Sum();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
