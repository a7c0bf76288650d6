using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Storage.WriteBack;
using HubSpotPmoSync.Testing.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Storage.Tests.WriteBack;

public sealed class SqliteWriteBackServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "wb-di-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AddSqliteWriteBack_WithStorageAndCrmPorts_ResolvesTheStoreAndServices()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DatabasePath"] = _path }).Build();
        var portal = new FakeCrmPortal();
        var services = new ServiceCollection()
            .AddSqliteStorage(configuration)
            .AddSqliteWriteBack()
            .AddSingleton<ICrmSource>(portal)
            .AddSingleton<ICrmWriter>(portal);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<IWriteBackStore>();
        var flusher = provider.GetRequiredService<OutboxFlusher>();
        Assert.NotNull(provider.GetRequiredService<KickoffService>());
        Assert.NotNull(provider.GetRequiredService<SchemaProvisioner>());
        Assert.Same(store, provider.GetRequiredService<SqliteWriteBackStore>());
        Assert.Equal(0, (await flusher.FlushAsync(CancellationToken.None)).WriteCalls);
        Assert.True(File.Exists(_path));
    }
}
