using Npgsql;

namespace HubSpotPmoSync.Testing.Postgres;

/// <summary>
/// A schema of its own on the test PostgreSQL server, created on the fly and dropped with everything in it on
/// dispose. The server comes from <c>PMOSYNC_TEST_POSTGRES</c> (an Npgsql connection string); without it the test
/// fails, saying how to start one: a test that needs PostgreSQL never passes by skipping.
/// </summary>
public sealed class PostgresTestSchema : IDisposable
{
    /// <summary>The environment variable holding the test server's connection string.</summary>
    public const string Variable = "PMOSYNC_TEST_POSTGRES";

    public PostgresTestSchema()
    {
        var server = ServerConnectionString();
        Name = "t_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var cmd = new NpgsqlCommand($"CREATE SCHEMA {Name};", connection);
            cmd.ExecuteNonQuery();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = Name }.ConnectionString;
    }

    /// <summary>The schema's name (<c>t_</c> and a GUID).</summary>
    public string Name { get; }

    /// <summary>The server's connection string with <c>Search Path</c> set to this schema.</summary>
    public string ConnectionString { get; }

    /// <summary>The test server's connection string, or an exception saying how to start one.</summary>
    public static string ServerConnectionString() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"this test needs PostgreSQL: set {Variable} to an Npgsql connection string. Start a throw-away server with "
                + $"`eval \"$(tests/postgres/start-throwaway.sh --install | grep '^PMOSYNC_TEST_POSTGRES')\"; export {Variable} {Variable}_DIR` "
                + $"(stop it with `tests/postgres/stop-throwaway.sh \"${Variable}_DIR\"`); .ci/run does this itself.");

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ServerConnectionString());
        connection.Open();
        using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE;", connection);
        cmd.ExecuteNonQuery();
    }
}
