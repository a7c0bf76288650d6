using HubSpotPmoSync.Storage;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>A database file in a fresh temporary folder, deleted with the folder.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "hpsync-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Path_ = System.IO.Path.Combine(Folder, "data", "sync.db");
        Database = new SqliteDatabase(new StorageOptions { DatabasePath = Path_ });
    }

    public string Folder { get; }

    public string Path_ { get; }

    public SqliteDatabase Database { get; }

    public SqliteDeliveryStore CreateStore() => new(Database);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
