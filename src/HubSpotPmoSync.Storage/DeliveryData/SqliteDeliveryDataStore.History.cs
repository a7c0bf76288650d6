using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Storage.DeliveryData;

/// <summary>One project's health history, read through the (project_id, as_of) index.</summary>
public sealed partial class SqliteDeliveryDataStore : IHealthHistoryStore
{
    public IReadOnlyList<HealthSnapshot> LoadHealthHistory(string projectId, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(projectId);
        if (!database.Exists)
        {
            return [];
        }

        using var connection = database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT project_id, project_code, run_at, as_of, score, rag, trend, cpi, spi, eac, currency, top_reason
            FROM health_snapshots WHERE project_id = $project AND as_of >= $from AND as_of < $to
            ORDER BY as_of, run_at;
            """;
        cmd.Parameters.AddWithValue("$project", projectId);
        cmd.Parameters.AddWithValue("$from", Instant(from));
        cmd.Parameters.AddWithValue("$to", Instant(to));
        return ReadSnapshots(cmd);
    }
}
