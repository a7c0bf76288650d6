using System.Security.Cryptography;
using HubSpotPmoSync.Testing.Emulator;
using Xunit;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// For the bad-mapping tests: an emulator with the demo portfolio and a database a good sync has already filled, so
/// each broken mapping can be shown to leave it byte for byte as it was and to send no write to HubSpot.
/// </summary>
public sealed class BadMappingPortal : IAsyncLifetime
{
    private EmulatorFixture? _emulator;
    private SyncWorkspace? _workspace;

    internal EmulatorFixture Emulator => _emulator!;

    internal SyncWorkspace Workspace => _workspace!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorFixture.StartAsync(o => o.Seed = "demo");
        _workspace = new SyncWorkspace(_emulator);
        await _workspace.SyncAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>SHA-256 of the database file and its WAL and shared-memory files (absent ones included as such).</summary>
    internal string DatabaseFingerprint()
    {
        var parts = new[] { "", "-wal", "-shm" }.Select(suffix =>
        {
            var path = Workspace.DatabasePath + suffix;
            return File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "absent";
        });
        return string.Join(' ', parts);
    }

    internal long Writes() => Emulator.Control.Stats().Writes.Values.Sum();

    public async Task DisposeAsync()
    {
        _workspace?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
