using System.Diagnostics;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Testing.Postgres;
using Npgsql;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>
/// <see cref="PostgresCycleLock"/>: one cycle at a time per database schema, across sessions. The other holder in the
/// kill test is a <c>psql</c> process: the lock is the server's, tied to the session, so a SIGKILLed holder leaves none.
/// </summary>
public sealed class PostgresCycleLockTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);
    private readonly PostgresTestSchema _schema = new();
    private readonly PostgresDatabase _database;

    public PostgresCycleLockTests() => _database = new PostgresDatabase(_schema.ConnectionString);

    public void Dispose()
    {
        _database.Dispose();
        _schema.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_HeldByAnotherSession_RefusedUntilReleased()
    {
        var sut = new PostgresCycleLock(_database);
        var first = await sut.AcquireAsync("sync", Now, default);

        var refused = await Assert.ThrowsAsync<CycleLockedException>(() => new PostgresCycleLock(_database).AcquireAsync("run", Now, default));
        Assert.Contains("another cycle is running on the PostgreSQL database", refused.Message, StringComparison.Ordinal);
        Assert.Contains("sync", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", refused.Message, StringComparison.OrdinalIgnoreCase);

        await first.DisposeAsync();
        await using var second = await sut.AcquireAsync("run", Now, default);
    }

    [Fact]
    public async Task ProbeAsync_SaysHeldWhileACycleHoldsIt_AndNamesTheLastHolderAfter()
    {
        var sut = new PostgresCycleLock(_database);
        Assert.Equal(new CycleLockState(false, null), await sut.ProbeAsync(default));

        await using (await sut.AcquireAsync("full cycle", Now, default))
        {
            Assert.Equal(new CycleLockState(true, null), await sut.ProbeAsync(default));
        }

        var after = await sut.ProbeAsync(default);
        Assert.False(after.Held);
        Assert.Equal($"host {Environment.MachineName}, pid {Environment.ProcessId}, full cycle, since 2026-11-22T09:30:00.0000000+00:00", after.LastHolder);
        await using var taken = await sut.AcquireAsync("sync", Now, default);
    }

    [Fact]
    public async Task AcquireAsync_OtherSchemaOnTheSameServer_HasItsOwnLock()
    {
        using var otherSchema = new PostgresTestSchema();
        using var otherDatabase = new PostgresDatabase(otherSchema.ConnectionString);
        await using var held = await new PostgresCycleLock(_database).AcquireAsync("sync", Now, default);

        await using var other = await new PostgresCycleLock(otherDatabase).AcquireAsync("sync", Now, default);
    }

    [Fact]
    public async Task AcquireAsync_HolderProcessKilled_LockReleasedByTheServer()
    {
        await _database.SchemaVersionAsync(default);
        var psql = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")).Where(File.Exists).Order().LastOrDefault()
            ?? "psql";
        var server = new NpgsqlConnectionStringBuilder(_schema.ConnectionString);
        var start = new ProcessStartInfo(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.Host!, "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", server.Username!, "-d", server.Database!])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (server.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var holder = Process.Start(start)!;
        try
        {
            // The lock the worker takes (its class and the schema's hash), held by an idle psql session.
            await holder.StandardInput.WriteLineAsync(
                $"SET search_path = {_schema.Name}; SELECT pg_advisory_lock({PostgresDatabase.LockClass}, hashtext('cycle ' || current_schema())); \\echo held");
            await holder.StandardInput.FlushAsync();
            Assert.Equal("held", await ReadLineIgnoringResultRows(holder.StandardOutput));
            await Assert.ThrowsAsync<CycleLockedException>(() => new PostgresCycleLock(_database).AcquireAsync("sync", Now, default));

            holder.Kill();
            await holder.WaitForExitAsync();

            // The server ends the session when its socket closes: wait for that (no sleep), then take the lock.
            await WaitUntilSessionGone();
            await using var taken = await new PostgresCycleLock(_database).AcquireAsync("sync", Now, default);
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill();
            }
        }
    }

    private static async Task<string?> ReadLineIgnoringResultRows(StreamReader output)
    {
        while (await output.ReadLineAsync() is { } line)
        {
            if (line.Trim() == "held")
            {
                return "held";
            }
        }

        return null;
    }

    /// <summary>Waits on the server's own view of sessions until none holds the product's advisory lock any more.</summary>
    private async Task WaitUntilSessionGone()
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND a.client_port IS NOT NULL AND a.application_name = 'psql';",
            connection);
        while ((long)(await cmd.ExecuteScalarAsync())! > 0)
        {
            // pg_stat_activity changes when the server has ended the session; ask again after yielding.
            await Task.Yield();
        }
    }
}
