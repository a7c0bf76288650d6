using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Builders;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>The sync runner on the real SQLite store: resume after crashes, random change rounds, dry runs on a missing file.</summary>
public sealed class SqliteSyncTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeCrmSource _source;

    public SqliteSyncTests() => _source = new FakeCrmSource(_time);

    public void Dispose() => _temp.Dispose();

    private Task<SyncReport> RunAsync(IDeliveryStore store, SyncRequest? request = null) =>
        new SyncRunner(_source, store, TestMappings.Default, new SyncOptions(), _time).RunAsync(request ?? new SyncRequest(), null, CancellationToken.None);

    private static async Task<string> ExportJsonAsync(SqliteDeliveryStore store) => ExpectedExport.Json(await store.ExportAsync(null, CancellationToken.None));

    private string ExpectedJson() => ExpectedExport.Json(ExpectedExport.From(_source, TestMappings.Default));

    [Fact]
    public async Task RunAsync_KilledAtManyPoints_ResumesToTheSourceStateWithEveryRecordOnce()
    {
        new SeedPortal().WithCompanies(40).WithDeals(260).WithTickets(180).WithProjects(25).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        var random = new Random(7);
        var crashes = 0;
        while (true)
        {
            // A fresh store each time, as after a process restart.
            using var store = _temp.CreateStore();
            // The types sync at once, so the crash counts the deals' commits only (20 a page: 13 pages to list): each
            // run commits at most two of them before it is killed, so the listing takes at least seven runs.
            var crashing = new CrashingDeliveryStore(store) { Kind = EntityKind.Deal, CrashAtCommit = random.Next(1, 4) };
            try
            {
                await new SyncRunner(_source, crashing, TestMappings.Default, new SyncOptions { ListPageSize = 20 }, _time)
                    .RunAsync(new SyncRequest(), null, CancellationToken.None);
                break;
            }
            catch (SimulatedCrashException)
            {
                crashes++;
                _time.Advance(TimeSpan.FromSeconds(20));
            }
        }

        Assert.True(crashes >= 5, $"only {crashes} crashes");
        using var final = _temp.CreateStore();
        Assert.Equal(ExpectedJson(), await ExportJsonAsync(final));
        var status = await final.GetStatusAsync(100, CancellationToken.None);
        Assert.Equal(crashes + 1, status.LastRuns.Count);
        Assert.Equal(260, status.Objects.Single(o => o.Kind == EntityKind.Deal).LedgerCounts[LedgerStatus.InSync]);
    }

    [Fact]
    public async Task RunAsync_RandomChangeRounds_StoreConvergesAfterEachIncrementalSync()
    {
        var ids = new SeedPortal().WithCompanies(20).WithDeals(60).WithTickets(80).WithProjects(10).Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        _source.IndexLag = TimeSpan.FromSeconds(2);
        using var store = _temp.CreateStore();
        await RunAsync(store);
        var random = new Random(42);
        var deals = ids.Deals.ToList();
        var companies = ids.Companies.ToList();
        for (var round = 0; round < 10; round++)
        {
            for (var change = 0; change < 15; change++)
            {
                switch (random.Next(5))
                {
                    case 0:
                        var id = _source.NewId();
                        _source.Upsert(CrmObjectTypes.Deals, id, SeedPortal.Deal(random.Next(1000)));
                        _source.Associate(CrmObjectTypes.Deals, id, CrmObjectTypes.Companies, companies[random.Next(companies.Count)], 341, 342);
                        deals.Add(id);
                        break;
                    case 1:
                        _source.Upsert(CrmObjectTypes.Deals, deals[random.Next(deals.Count)], new Dictionary<string, string?> { ["amount"] = random.Next(99999).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                        break;
                    case 2:
                        var ticket = ids.Tickets[random.Next(ids.Tickets.Count)];
                        _source.Upsert(CrmObjectTypes.Tickets, ticket, new Dictionary<string, string?> { ["hs_ticket_priority"] = "URGENT", ["subject"] = $"round {round}" });
                        break;
                    case 3:
                        var deal = deals[random.Next(deals.Count)];
                        var company = companies[random.Next(companies.Count)];
                        _source.Associate(CrmObjectTypes.Deals, deal, CrmObjectTypes.Companies, company, 341, 342);
                        _source.Upsert(CrmObjectTypes.Deals, deal, new Dictionary<string, string?>());
                        break;
                    default:
                        var project = ids.Projects[random.Next(ids.Projects.Count)];
                        _source.Upsert(CrmObjectTypes.Projects, project, new Dictionary<string, string?> { ["project_percent_complete"] = random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                        break;
                }

                _time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 3)));
            }

            _time.Advance(TimeSpan.FromSeconds(3));
            await RunAsync(store);

            Assert.Equal(ExpectedJson(), await ExportJsonAsync(store));
        }
    }

    [Fact]
    public async Task RunAsync_DryRunWithoutDatabase_CreatesNoFile()
    {
        new SeedPortal().Build(_source);
        using var store = _temp.CreateStore();

        var plan = await RunAsync(store, new SyncRequest(DryRun: true));

        Assert.Equal(14, plan.Created);
        Assert.False(File.Exists(_temp.Path_));
        Assert.False(Directory.Exists(Path.GetDirectoryName(_temp.Path_)));
    }

    [Fact]
    public async Task RunAsync_DryRunOnExistingDatabase_LeavesTheFileUnchanged()
    {
        var ids = new SeedPortal().Build(_source);
        _time.Advance(TimeSpan.FromMinutes(10));
        using (var store = _temp.CreateStore())
        {
            await RunAsync(store);
        }

        _source.Upsert(CrmObjectTypes.Deals, ids.Deals[0], new Dictionary<string, string?> { ["dealname"] = "renamed" });
        _time.Advance(TimeSpan.FromMinutes(1));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Snapshot();

        using (var store = _temp.CreateStore())
        {
            var plan = await RunAsync(store, new SyncRequest(DryRun: true));
            Assert.Equal(1, plan.Updated);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(before, Snapshot());
        // A WAL reader may leave SQLite's shared-memory index behind, but never a write-ahead log with content.
        Assert.True(!File.Exists(_temp.Path_ + "-wal") || new FileInfo(_temp.Path_ + "-wal").Length == 0);
    }

    private string Snapshot() => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_temp.Path_)));
}
