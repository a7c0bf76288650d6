using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>SQLite's plan of a statement (<c>EXPLAIN QUERY PLAN</c>), one line per step, for tests that pin index use.</summary>
internal static class QueryPlan
{
    public static List<string> Of(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var reader = cmd.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
