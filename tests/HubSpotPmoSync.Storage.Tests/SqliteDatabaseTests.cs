using System.Globalization;

namespace HubSpotPmoSync.Storage.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_NewDatabase_CreatesTheFileOwnerReadWriteOnly()
    {
        using (_temp.Database.Open())
        {
        }

        Assert.True(File.Exists(_temp.Path_));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Path_));
        }
    }

    [Fact]
    public void Open_NewDatabase_RecordsEveryMigrationOnceInOrder()
    {
        using (_temp.Database.Open())
        {
        }

        var second = new SqliteDatabase(new StorageOptions { DatabasePath = _temp.Path_ });
        using var connection = second.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version, name FROM schema_version ORDER BY version;";
        using var reader = cmd.ExecuteReader();
        var applied = new List<string>();
        while (reader.Read())
        {
            applied.Add(reader.GetInt32(0).ToString(CultureInfo.InvariantCulture) + " " + reader.GetString(1));
        }

        Assert.Equal(["1 0001_initial", "2 0002_delivery_model"], applied.Take(2));
        Assert.Equal(applied.Count, applied.Distinct().Count());
        Assert.True(second.SchemaVersion() >= 2);
    }

    [Fact]
    public void Open_Database_UsesWalJournal()
    {
        using var connection = _temp.Database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void OpenReadOnlyIfExists_NoFile_ReturnsNullAndCreatesNothing()
    {
        Assert.Null(_temp.Database.OpenReadOnlyIfExists());
        Assert.False(Directory.Exists(Path.GetDirectoryName(_temp.Path_)));
    }
}
