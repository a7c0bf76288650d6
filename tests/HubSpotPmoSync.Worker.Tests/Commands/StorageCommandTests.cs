using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Storage.Postgres.Webhooks;
using HubSpotPmoSync.Storage.Webhooks;
using HubSpotPmoSync.Testing.Postgres;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Commands;

/// <summary>
/// <c>storage copy</c>: the demo's SQLite database copied into PostgreSQL reads the same through every port
/// (<c>health --format json</c> and <c>export</c> print the same on both providers); a target holding data is refused
/// unless told; a password never appears in what the commands print.
/// </summary>
public sealed class StorageCommandTests : IDisposable
{
    private const string Password = "s3cret-pw-never-shown";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-storage-copy-");
    private readonly PostgresTestSchema _schema = new();

    public void Dispose()
    {
        _schema.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Copy_DemoDatabase_HealthAndExportPrintTheSameOnPostgres_SecondCopyRefusedUnlessReplace()
    {
        var sqlite = await DemoCopyAsync();
        var target = _schema.ConnectionString + ";Password=" + Password;
        var postgres = new Dictionary<string, string?>(sqlite) { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = target };

        var (code, output, error) = await InProcess.RunAsync(sqlite, "storage", "copy", "--to-provider", "postgres", "--to-connection-string", target);

        Assert.True(code == 0, error);
        Assert.Contains("copied", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
        foreach (var command in new[] { new[] { "health", "--format", "json", "--as-of", "2026-12-01" }, ["export", "--format", "json"], ["dlq", "list"] })
        {
            var onSqlite = await InProcess.RunAsync(sqlite, command);
            var onPostgres = await InProcess.RunAsync(postgres, command);
            Assert.True(onSqlite.Code == 0, onSqlite.Error);
            Assert.True(onPostgres.Code == 0, onPostgres.Error);
            Assert.Equal(onSqlite.Output, onPostgres.Output);
        }

        var refused = await InProcess.RunAsync(sqlite, "storage", "copy", "--to-provider", "postgres", "--to-connection-string", target);
        Assert.Equal(2, refused.Code);
        Assert.Contains("already holds data", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--replace", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, refused.Output + refused.Error, StringComparison.Ordinal);

        var replaced = await InProcess.RunAsync(sqlite, "storage", "copy", "--to-provider", "postgres", "--to-connection-string", target, "--replace");
        Assert.True(replaced.Code == 0, replaced.Error);
        Assert.Equal(output, replaced.Output);
    }

    [Fact]
    public async Task Copy_InboxPartitionsAndCompletenessPositions_ReadTheSameOnPostgres_InboxIdsContinue()
    {
        var at = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
        var path = Path.Combine(_dir.FullName, "newer.db");
        var sqliteDatabase = new SqliteDatabase(new StorageOptions { DatabasePath = path });
        var sqliteInbox = new SqliteWebhookInbox(sqliteDatabase);
        var cursor = new SyncCursorState(EntityKind.Deal)
        {
            ListInProgress = true, ListAfter = "4001", ListStartedAt = at,
            Partitions = [new SyncPartition(0, 1_000, 5_000) { Reader = SyncPartitionReader.Search, Position = 2_500 }, new SyncPartition(1, 5_000, null)],
        };
        var position = new CompletenessPosition(EntityKind.Deal, "42", 10, 40, at.AddHours(-1), at, null, 3, TimeSpan.FromHours(2));
        using (var store = new SqliteDeliveryStore(sqliteDatabase))
        {
            await sqliteInbox.AddAsync([Event("a", "1"), Event("b", "2"), Event("c", "3")], at, CancellationToken.None);
            var ids = (await sqliteInbox.PendingAsync(10, CancellationToken.None)).Select(e => e.Id).ToList();
            await store.CommitPageAsync(new PageCommit(EntityKind.Deal, [], [], cursor) { InboxEvents = [ids[1]] }, CancellationToken.None);
            await sqliteInbox.MarkPushedAsync([ids[0]], at, CancellationToken.None);
            await store.SavePositionAsync(position, CancellationToken.None);
        }

        var target = _schema.ConnectionString + ";Password=" + Password;
        var (code, _, error) = await InProcess.RunAsync(
            new Dictionary<string, string?> { ["Storage:DatabasePath"] = path }, "storage", "copy", "--to-provider", "postgres", "--to-connection-string", target);

        Assert.True(code == 0, error);
        using var postgres = new PostgresDatabase(_schema.ConnectionString);
        var postgresStore = new PostgresDeliveryStore(postgres);
        var postgresInbox = new PostgresWebhookInbox(postgres);
        var copied = await postgresInbox.PendingAsync(10, CancellationToken.None);
        Assert.Equal(await sqliteInbox.PendingAsync(10, CancellationToken.None), copied);
        Assert.Equal([false, true], copied.Select(e => e.Processed).Order());
        Assert.Equal(cursor.Partitions, (await postgresStore.GetCursorAsync(EntityKind.Deal, CancellationToken.None)).Partitions);
        Assert.Equal(position, await postgresStore.GetPositionAsync(EntityKind.Deal, CancellationToken.None));

        await postgresInbox.AddAsync([Event("d", "4")], at, CancellationToken.None);
        var next = (await postgresInbox.PendingAsync(10, CancellationToken.None))[^1];
        Assert.Equal(("4", true), (next.ObjectId, next.Id > copied.Max(e => e.Id)));

        static WebhookInboxEvent Event(string key, string objectId) => new(key, new DateTimeOffset(2026, 12, 8, 8, 59, 0, TimeSpan.Zero), "deal.propertyChange", "deals", objectId, "{}");
    }

    [Fact]
    public async Task Postgres_ServerNotReachable_Exits2NamingTheKeyWithoutThePassword()
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = $"Host=127.0.0.1;Port=9;Database=pmo;Username=pmo;Password={Password};Timeout=3",
        };

        var (code, output, error) = await InProcess.RunAsync(overrides, "export");

        Assert.Equal(2, code);
        Assert.Contains("Storage:ConnectionString", error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=notaport;Password=" + Password, "Storage:ConnectionString")]
    [InlineData("", "Storage:ConnectionString must be set")]
    public async Task Postgres_BadConnectionString_Exits2NamingTheKeyWithoutThePassword(string connectionString, string expected)
    {
        var overrides = new Dictionary<string, string?> { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = connectionString };

        var (code, output, error) = await InProcess.RunAsync(overrides, "export");

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_Unknown_Exits2NamingTheKey()
    {
        var (code, _, error) = await InProcess.RunAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "oracle" }, "export");

        Assert.Equal(2, code);
        Assert.Contains("Storage:Provider: 'oracle' is not a provider", error, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string?>> DemoCopyAsync()
    {
        var demo = await DemoRun.InProcessAsync();
        Assert.True(demo.Code == 0, demo.Error);
        var database = Path.Combine(_dir.FullName, "demo.db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var source = Path.Combine(demo.Folder, "demo.db" + suffix);
            if (File.Exists(source))
            {
                File.Copy(source, database + suffix);
            }
        }

        return new Dictionary<string, string?> { ["Storage:DatabasePath"] = database };
    }
}
