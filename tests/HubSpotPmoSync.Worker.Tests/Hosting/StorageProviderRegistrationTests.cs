using HubSpotPmoSync.Core.Sync.Completeness;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Storage.Postgres.Webhooks;
using HubSpotPmoSync.Storage.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Tests.Hosting;

/// <summary>Storage:Provider chooses the webhook inbox and the completeness store with the other ports (nothing connects to resolve them).</summary>
public sealed class StorageProviderRegistrationTests
{
    [Fact]
    public void InboxAndCompletenessStore_OnPostgres_AreThePostgresOnes()
    {
        using var provider = Build(new() { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=9;Database=pmo;Username=pmo" });

        Assert.IsType<PostgresWebhookInbox>(provider.GetRequiredService<IWebhookInbox>());
        Assert.IsType<PostgresDeliveryStore>(provider.GetRequiredService<ICompletenessStore>());
        Assert.Null(provider.GetService<SqliteDatabase>());
    }

    [Fact]
    public void InboxAndCompletenessStore_OnSqlite_AreTheSqliteOnes()
    {
        using var provider = Build(new() { ["Storage:DatabasePath"] = Path.Combine(Path.GetTempPath(), "pmo-registration-never-created.db") });

        Assert.IsType<SqliteWebhookInbox>(provider.GetRequiredService<IWebhookInbox>());
        Assert.IsType<SqliteDeliveryStore>(provider.GetRequiredService<ICompletenessStore>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddConfiguredStorage(configuration).BuildServiceProvider();
    }
}
