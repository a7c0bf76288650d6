using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HubSpotPmoSync.Worker.Http.Operations;

/// <summary>What a readiness probe read: whether the store exists, and when a sync run last succeeded (any process's).</summary>
internal sealed record ReadinessProbeResult(bool Exists, DateTimeOffset? LastSucceededRun);

/// <summary>The store could not be opened or read; the message says why (never a password).</summary>
internal sealed class ReadinessProbeException(string reason, Exception inner) : Exception(reason, inner);

/// <summary>The readiness checks' look at the configured store (<c>Storage:Provider</c>); creates and changes nothing.</summary>
internal interface IReadinessProbe
{
    /// <summary>What <c>database</c> says while the store does not exist yet.</summary>
    string Missing { get; }

    /// <exception cref="ReadinessProbeException">The store cannot be opened or read.</exception>
    Task<ReadinessProbeResult> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>The SQLite file, opened anew each time (<see cref="SqliteProbe"/>).</summary>
internal sealed class SqliteReadinessProbe(SqliteDatabase database) : IReadinessProbe
{
    public string Missing => "no database file yet (the first cycle creates it)";

    public Task<ReadinessProbeResult> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = SqliteProbe.Read(database);
            return Task.FromResult(new ReadinessProbeResult(result.Exists, result.LastSucceededRun));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new ReadinessProbeException(e.Message.TrimEnd('.'), e);
        }
    }
}

/// <summary>The PostgreSQL database: a connection from the pool and one query of the run log.</summary>
internal sealed class PostgresReadinessProbe(PostgresDatabase database) : IReadinessProbe
{
    public string Missing => "the PostgreSQL schema has no product tables yet (the first cycle creates them)";

    public async Task<ReadinessProbeResult> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenIfExistsAsync(cancellationToken);
            if (connection is null)
            {
                return new ReadinessProbeResult(false, null);
            }

            await using var cmd = new NpgsqlCommand("SELECT MAX(finished_at) FROM sync_runs WHERE outcome = 'succeeded';", connection);
            return new ReadinessProbeResult(true, await cmd.ExecuteScalarAsync(cancellationToken) is string finished ? PgValues.Instant(finished) : null);
        }
        catch (StorageConfigurationException e)
        {
            throw new ReadinessProbeException(e.Message.TrimEnd('.'), e);
        }
        catch (NpgsqlException e)
        {
            throw new ReadinessProbeException(e is PostgresException p ? p.MessageText.TrimEnd('.') : e.Message.TrimEnd('.'), e);
        }
    }
}
