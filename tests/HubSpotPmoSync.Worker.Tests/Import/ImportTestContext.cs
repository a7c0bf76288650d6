using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.DeliveryData;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Import;

/// <summary>A temp folder with a real SQLite file behind the importers.</summary>
internal sealed class ImportTestContext : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-import-");

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

    public TimeEntryImporter TimeEntries(TimeEntryImportOptions? options = null) => new(Store, Options.Create(options ?? new TimeEntryImportOptions()), Clock);

    public MilestoneImporter Milestones(MilestoneImportOptions? options = null) => new(Store, Options.Create(options ?? new MilestoneImportOptions()), Clock);

    public void Dispose() => _dir.Delete(recursive: true);
}
