using System.Globalization;
using HubSpotPmoSync.Core.Storage;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>
/// <see cref="ICycleLock"/> on PostgreSQL: a session-level advisory lock (<c>pg_try_advisory_lock</c>), keyed by the
/// product's lock class and the schema, held by a connection kept open for the whole cycle. The server releases it
/// when that session ends, however it ends: a holder killed with SIGKILL, or a node whose connection drops, leaves no
/// stale lock. It holds across processes and machines on one database, which Quartz's own clustering does not
/// guarantee for a job (quartznet #2011, #2697). The holder's line (host, process, what, since) is kept in
/// <c>cycle_lock_holder</c> for <see cref="ProbeAsync"/>.
/// </summary>
internal sealed class PostgresCycleLock(PostgresDatabase database) : ICycleLock
{
    private const string Key = "@class, hashtext('cycle ' || current_schema())";

    /// <summary>How often <see cref="AcquireAsync"/> tries before it reports the lock held (a probe holds it for one statement).</summary>
    private const int AcquireAttempts = 10;

    private static readonly TimeSpan AcquireRetryDelay = TimeSpan.FromMilliseconds(50);

    public async Task<IAsyncDisposable> AcquireAsync(string holder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                if (await TryLockAsync(connection, cancellationToken))
                {
                    break;
                }

                if (attempt == AcquireAttempts)
                {
                    throw CycleLockedException.HeldOnServer($"the PostgreSQL database {database.Description}", "the cycle's advisory lock", await HolderAsync(connection, cancellationToken));
                }

                // Real time on purpose: this waits for another session's lock, not for business time.
                await Task.Delay(AcquireRetryDelay, cancellationToken);
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"host {Environment.MachineName}, pid {Environment.ProcessId}, {holder}, since {now.ToUniversalTime():O}");
            await PostgresDatabase.Execute(connection, null, """
                INSERT INTO cycle_lock_holder (id, holder) VALUES (1, @holder) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder;
                """, cancellationToken, ("holder", line));
            return new Handle(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<CycleLockState> ProbeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        if (connection is null)
        {
            return new CycleLockState(false, null);
        }

        if (!await TryLockAsync(connection, cancellationToken))
        {
            return new CycleLockState(true, null);
        }

        await Unlock(connection);
        return new CycleLockState(false, await HolderAsync(connection, cancellationToken));
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({Key});", connection);
        cmd.Parameters.AddWithValue("class", PostgresDatabase.LockClass);
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task Unlock(NpgsqlConnection connection)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key});", connection);
        cmd.Parameters.AddWithValue("class", PostgresDatabase.LockClass);
        await cmd.ExecuteScalarAsync(CancellationToken.None);
    }

    private static async Task<string?> HolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT holder FROM cycle_lock_holder WHERE id = 1;", connection);
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The held lock: released, then the connection closed (a pooled connection must not keep the lock).</summary>
    private sealed class Handle(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await Unlock(connection);
            }
            catch (NpgsqlException)
            {
                // The session is gone, and with it the lock.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
