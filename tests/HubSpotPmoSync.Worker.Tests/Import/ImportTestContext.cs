using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Import;

/// <summary>A temp folder with a real SQLite file behind the importers.</summary>
internal sealed class ImportTestContext : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-import-");
    private readonly List<ServiceProvider> _providers = [];

    public ImportTestContext()
    {
        Store = new SqliteDeliveryDataStore(new SqliteDatabase(new StorageOptions { DatabasePath = Path.Combine(_dir.FullName, "test.db") }));
    }

    public SqliteDeliveryDataStore Store { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 20, 8, 0, 0, TimeSpan.Zero));

    public string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public TimeEntryImporter TimeEntries(TimeEntryImportOptions? options = null) => new(Store, Options.Create(options ?? new TimeEntryImportOptions()), Clock);

    public MilestoneImporter Milestones(MilestoneImportOptions? options = null) => new(Store, Options.Create(options ?? new MilestoneImportOptions()), Clock);

    /// <summary>The importers as the program builds them: from configuration keys (<c>Import:…</c>), validated.</summary>
    public TimeEntryImporter TimeEntries(Dictionary<string, string?> settings) => Provider(settings).GetRequiredService<TimeEntryImporter>();

    /// <inheritdoc cref="TimeEntries(Dictionary{string, string?})"/>
    public MilestoneImporter Milestones(Dictionary<string, string?> settings) => Provider(settings).GetRequiredService<MilestoneImporter>();

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _dir.Delete(recursive: true);
    }

    private ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var provider = new ServiceCollection()
            .AddSingleton<IDeliveryDataStore>(Store)
            .AddSingleton<TimeProvider>(Clock)
            .AddDeliveryDataImport(configuration)
            .BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }
}
