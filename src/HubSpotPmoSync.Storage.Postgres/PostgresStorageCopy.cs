using System.Data.Common;
using System.Globalization;
using HubSpotPmoSync.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>What <see cref="PostgresStorageCopy.CopyAsync"/> copied: rows per table, in copy order.</summary>
public sealed record StorageCopyReport(string Target, IReadOnlyList<(string Table, long Rows)> Tables);

/// <summary>
/// Copies another store's tables into a PostgreSQL database (<c>storage copy</c>): every product table in one
/// transaction on the target, rows moved verbatim by binary COPY, identity counters moved past the copied ids. A
/// target that holds rows already is refused unless <c>replace</c> says to empty it first.
/// </summary>
public static class PostgresStorageCopy
{
    /// <summary>The product's tables in an order that satisfies their foreign keys.</summary>
    internal static readonly IReadOnlyList<string> Tables =
    [
        "sync_runs", "crm_records", "crm_associations", "sync_ledger", "sync_cursors", "crm_pipeline_stages",
        "wb_outbox", "wb_observed", "wb_pushed", "wb_audit", "wb_dead_letters", "wb_desired", "wb_kept",
        "import_batches", "time_entries", "cost_entries", "milestones", "import_batch_changes", "health_snapshots",
        "sync_partitions", "webhook_inbox", "completeness_positions",
    ];

    /// <summary>The tables whose <c>id</c> is an identity column.</summary>
    private static readonly string[] IdentityTables = ["sync_runs", "wb_outbox", "wb_audit", "wb_dead_letters", "import_batches", "time_entries", "cost_entries", "webhook_inbox"];

    /// <param name="sourceTables">The source's tables (every one must have a place on the target: nothing is left behind silently).</param>
    /// <param name="openSource">Opens a reader over all rows of a source table (columns by name).</param>
    /// <param name="replace">Empty a target that holds rows instead of refusing it.</param>
    /// <exception cref="StorageConfigurationException">The target holds rows (and not <paramref name="replace"/>), or the source has a table or column the target lacks.</exception>
    public static async Task<StorageCopyReport> CopyAsync(
        string connectionString,
        IReadOnlyCollection<string> sourceTables,
        Func<string, CancellationToken, Task<DbDataReader>> openSource,
        bool replace,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceTables);
        ArgumentNullException.ThrowIfNull(openSource);
        var unknown = sourceTables.Where(t => !Tables.Contains(t, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new StorageConfigurationException(
                $"the source has table{(unknown.Count == 1 ? "" : "s")} the PostgreSQL schema does not know ({string.Join(", ", unknown)}); nothing was copied. "
                + "This version cannot copy them.");
        }

        await using var database = new PostgresDatabase(connectionString);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        // Other copies or cycles on this database wait for this transaction (no half-copied store is ever seen).
        await PostgresDatabase.Execute(connection, tx, "LOCK TABLE " + string.Join(", ", Tables) + " IN ACCESS EXCLUSIVE MODE;", cancellationToken);
        var occupied = new List<string>();
        foreach (var table in Tables)
        {
            await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table});", connection, tx);
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                occupied.Add(table);
            }
        }

        if (occupied.Count > 0)
        {
            if (!replace)
            {
                throw new StorageConfigurationException(
                    $"the PostgreSQL database {database.Description} already holds data (in {string.Join(", ", occupied)}); nothing was copied. "
                    + "Point --to-connection-string at an empty database or schema, or pass --replace to empty it first.");
            }

            await PostgresDatabase.Execute(connection, tx, "TRUNCATE " + string.Join(", ", Tables) + " RESTART IDENTITY;", cancellationToken);
        }

        var report = new List<(string, long)>();
        foreach (var table in Tables.Where(t => sourceTables.Contains(t, StringComparer.Ordinal)))
        {
            report.Add((table, await CopyTableAsync(connection, tx, table, openSource, cancellationToken)));
        }

        foreach (var table in IdentityTables)
        {
            // Identity columns continue after the copied ids.
            await PostgresDatabase.Execute(connection, tx, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false);", cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return new StorageCopyReport(database.Description, report);
    }

    private static async Task<long> CopyTableAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string table, Func<string, CancellationToken, Task<DbDataReader>> openSource, CancellationToken cancellationToken)
    {
        var targetColumns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t;", connection, tx))
        {
            cmd.Parameters.AddWithValue("t", table);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                targetColumns[reader.GetString(0)] = reader.GetString(1);
            }
        }

        await using var source = await openSource(table, cancellationToken);
        var columns = Enumerable.Range(0, source.FieldCount).Select(source.GetName).ToList();
        var missing = columns.Where(c => !targetColumns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new StorageConfigurationException(
                $"the source's table {table} has column{(missing.Count == 1 ? "" : "s")} the PostgreSQL schema lacks ({string.Join(", ", missing)}); nothing was copied.");
        }

        var types = columns.Select(c => targetColumns[c] switch
        {
            "bigint" => NpgsqlDbType.Bigint,
            "integer" => NpgsqlDbType.Integer,
            _ => NpgsqlDbType.Text,
        }).ToArray();
        long rows = 0;
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        while (await source.ReadAsync(cancellationToken))
        {
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < columns.Count; i++)
            {
                if (await source.IsDBNullAsync(i, cancellationToken))
                {
                    await writer.WriteNullAsync(cancellationToken);
                    continue;
                }

                var value = source.GetValue(i);
                switch (types[i])
                {
                    case NpgsqlDbType.Bigint:
                        await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken);
                        break;
                    case NpgsqlDbType.Integer:
                        await writer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken);
                        break;
                    default:
                        await writer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellationToken);
                        break;
                }
            }

            rows++;
        }

        await writer.CompleteAsync(cancellationToken);
        return rows;
    }
}
