using HubSpotPmoSync.Core.Storage;

namespace HubSpotPmoSync.Storage;

/// <summary><see cref="ICycleLock"/> on a SQLite database: the operating system's lock on <c>&lt;database&gt;.lock</c> (see <see cref="CycleLock"/>).</summary>
public sealed class SqliteCycleLock(SqliteDatabase database) : ICycleLock
{
    public async Task<IAsyncDisposable> AcquireAsync(string holder, DateTimeOffset now, CancellationToken cancellationToken) =>
        new Handle(await CycleLock.AcquireAsync(database, holder, now, cancellationToken));

    public Task<CycleLockState> ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(CycleLock.Probe(database));
    }

    private sealed class Handle(CycleLock held) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            held.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
