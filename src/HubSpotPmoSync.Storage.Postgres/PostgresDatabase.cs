using System.Globalization;
using System.Net.Sockets;
using HubSpotPmoSync.Core.Storage;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>
/// Opens connections to the product's PostgreSQL database (one pooled <see cref="NpgsqlDataSource"/>) and applies the
/// numbered migration scripts once, under a transaction-scoped advisory lock so that processes starting together
/// migrate one after the other. Everything lives in the connection's first schema (<c>Search Path</c>, default
/// <c>public</c>), so several products or tests can share one database.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock class of the product ('PMOS'); the object is a hash of the schema's name.</summary>
    internal const int LockClass = 0x504D4F53;

    private readonly NpgsqlDataSource _source;
    private readonly SemaphoreSlim _migrateGate = new(1, 1);
    private volatile bool _migrated;

    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = PostgresConnectionString.Parse(connectionString);
        Description = PostgresConnectionString.Describe(builder);
        _source = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>The database as an operator knows it (host, port, database, user, schema), never the password.</summary>
    public string Description { get; }

    /// <summary>Opens a connection, creating the schema's tables and applying migrations on first use.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenRawAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await MigrateAsync(connection, cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection to read from without creating anything; null when the schema has no product tables yet.</summary>
    public async Task<NpgsqlConnection?> OpenIfExistsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenRawAsync(cancellationToken);
        if (_migrated || await HasSchemaAsync(connection, cancellationToken))
        {
            return connection;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Whether the product's tables exist (nothing is created by asking).</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenIfExistsAsync(cancellationToken);
        return connection is not null;
    }

    /// <summary>The highest migration applied (migrating first).</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version;", connection);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Opens a connection without migrating. A server that cannot be reached, refuses the login or has no such database
    /// is the configuration's problem: <see cref="StorageConfigurationException"/> naming <c>Storage:ConnectionString</c>.
    /// </summary>
    public async Task<NpgsqlConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (IsConnectionProblem(e))
        {
            throw new StorageConfigurationException(
                $"cannot use the PostgreSQL database {Description} (Storage:ConnectionString; password not shown): {Reason(e)}", e);
        }
    }

    private static bool IsConnectionProblem(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("28", StringComparison.Ordinal) || p.SqlState.StartsWith("3D", StringComparison.Ordinal)
            || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState == "57P03",
        NpgsqlException => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    private static string Reason(Exception e) => e switch
    {
        PostgresException p => p.MessageText,
        _ when e.InnerException is SocketException s => s.Message,
        _ when e.InnerException is TimeoutException => "the connection timed out",
        _ => e.Message,
    };

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _migrateGate.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
            {
                return;
            }

            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await Execute(connection, tx, "SELECT pg_advisory_xact_lock(@class, hashtext('migrate ' || current_schema()));", cancellationToken, ("class", LockClass));
            await Execute(connection, tx, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, cancellationToken);
            var applied = new HashSet<int>();
            await using (var cmd = new NpgsqlCommand("SELECT version FROM schema_version;", connection, tx))
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var (version, name, sql) in Migrations.All)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                await Execute(connection, tx, sql, cancellationToken);
                await Execute(connection, tx, "INSERT INTO schema_version (version, name) VALUES (@v, @n);", cancellationToken, ("v", version), ("n", name));
            }

            await tx.CommitAsync(cancellationToken);
            _migrated = true;
        }
        finally
        {
            _migrateGate.Release();
        }
    }

    private static async Task<bool> HasSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL AND to_regclass('crm_records') IS NOT NULL;", connection);
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static async Task<int> Execute(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.Add(value is null or DBNull
                ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value }
                : new NpgsqlParameter(name, value));
        }

        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _migrateGate.Dispose();
        return _source.DisposeAsync();
    }

    public void Dispose()
    {
        _migrateGate.Dispose();
        _source.Dispose();
    }

    /// <summary>The embedded <c>Migrations/NNNN_name.sql</c> scripts in number order.</summary>
    internal static class Migrations
    {
        public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } = Load();

        private static List<(int, string, string)> Load()
        {
            var assembly = typeof(PostgresDatabase).Assembly;
            var list = new List<(int, string, string)>();
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
            {
                var file = resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
                var underscore = file.IndexOf('_', StringComparison.Ordinal);
                if (underscore <= 0 || !int.TryParse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    throw new InvalidOperationException($"Migration '{file}' is not named NNNN_name.sql.");
                }

                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                list.Add((version, file[..^4], reader.ReadToEnd()));
            }

            var duplicate = list.GroupBy(m => m.Item1).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidOperationException($"Two migrations share number {duplicate.Key}.");
            }

            return list.OrderBy(m => m.Item1).ToList();
        }
    }
}
