using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage.DeliveryData;

/// <summary>
/// <see cref="IDeliveryDataStore"/> on the product's SQLite file (migration 0004). Every write is one
/// transaction: the batch record and all its rows, or nothing.
/// </summary>
public sealed partial class SqliteDeliveryDataStore(SqliteDatabase database) : IDeliveryDataStore
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private static readonly string[] SnapshotParameters = ["$id", "$code", "$run", "$asOf", "$score", "$rag", "$trend", "$cpi", "$spi", "$eac", "$currency", "$reason"];

    public DeliveryDataWriteResult AddTimeEntries(IReadOnlyList<(string RowKey, TimeEntry Entry)> entries, ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(batch);
        return Write(batch, (connection, tx, batchId) =>
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO time_entries (row_key, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, batch_id)
                VALUES ($key, $date, $code, $person, $hours, $cost, $bill, $notes, $batch)
                ON CONFLICT (row_key) DO NOTHING;
                """;
            var key = cmd.Parameters.Add("$key", SqliteType.Text);
            var date = cmd.Parameters.Add("$date", SqliteType.Text);
            var code = cmd.Parameters.Add("$code", SqliteType.Text);
            var person = cmd.Parameters.Add("$person", SqliteType.Text);
            var hours = cmd.Parameters.Add("$hours", SqliteType.Text);
            var cost = cmd.Parameters.Add("$cost", SqliteType.Text);
            var bill = cmd.Parameters.Add("$bill", SqliteType.Text);
            var notes = cmd.Parameters.Add("$notes", SqliteType.Text);
            cmd.Parameters.AddWithValue("$batch", batchId);
            var inserted = 0;
            foreach (var (rowKey, e) in entries)
            {
                key.Value = rowKey;
                date.Value = e.Date.ToString(DateFormat, CultureInfo.InvariantCulture);
                code.Value = e.ProjectCode;
                person.Value = e.Person;
                hours.Value = Dec(e.Hours);
                cost.Value = Dec(e.CostRate);
                bill.Value = Dec(e.BillRate);
                notes.Value = (object?)e.Notes ?? DBNull.Value;
                inserted += cmd.ExecuteNonQuery();
            }

            return (inserted, 0, entries.Count - inserted);
        });
    }

    public DeliveryDataWriteResult AddCostEntries(IReadOnlyList<(string RowKey, CostEntry Entry)> entries, ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(batch);
        return Write(batch, (connection, tx, batchId) =>
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO cost_entries (row_key, entry_date, project_code, description, amount, batch_id)
                VALUES ($key, $date, $code, $description, $amount, $batch)
                ON CONFLICT (row_key) DO NOTHING;
                """;
            var key = cmd.Parameters.Add("$key", SqliteType.Text);
            var date = cmd.Parameters.Add("$date", SqliteType.Text);
            var code = cmd.Parameters.Add("$code", SqliteType.Text);
            var description = cmd.Parameters.Add("$description", SqliteType.Text);
            var amount = cmd.Parameters.Add("$amount", SqliteType.Text);
            cmd.Parameters.AddWithValue("$batch", batchId);
            var inserted = 0;
            foreach (var (rowKey, e) in entries)
            {
                key.Value = rowKey;
                date.Value = e.Date.ToString(DateFormat, CultureInfo.InvariantCulture);
                code.Value = e.ProjectCode;
                description.Value = e.Description;
                amount.Value = Dec(e.Amount);
                inserted += cmd.ExecuteNonQuery();
            }

            return (inserted, 0, entries.Count - inserted);
        });
    }

    public DeliveryDataWriteResult UpsertMilestones(IReadOnlyList<Milestone> milestones, ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(batch);
        return Write(batch, (connection, tx, batchId) =>
        {
            int inserted = 0, updated = 0, unchanged = 0;
            foreach (var m in milestones)
            {
                using var find = connection.CreateCommand();
                find.Transaction = tx;
                find.CommandText = "SELECT planned_date, actual_date, weight, percent_complete FROM milestones WHERE project_code = $code AND name = $name;";
                find.Parameters.AddWithValue("$code", m.ProjectCode);
                find.Parameters.AddWithValue("$name", m.Name);
                string[]? existing = null;
                using (var reader = find.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        existing = [reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetString(2), reader.GetString(3)];
                    }
                }

                var planned = m.PlannedDate.ToString(DateFormat, CultureInfo.InvariantCulture);
                var actual = m.ActualDate?.ToString(DateFormat, CultureInfo.InvariantCulture);
                string[] wanted = [planned, actual ?? "", Dec(m.Weight), Dec(m.PercentComplete)];
                if (existing is not null && existing.SequenceEqual(wanted, StringComparer.Ordinal))
                {
                    unchanged++;
                    continue;
                }

                using var upsert = connection.CreateCommand();
                upsert.Transaction = tx;
                upsert.CommandText = """
                    INSERT INTO milestones (project_code, name, planned_date, actual_date, weight, percent_complete, batch_id)
                    VALUES ($code, $name, $planned, $actual, $weight, $percent, $batch)
                    ON CONFLICT (project_code, name) DO UPDATE SET
                        planned_date = excluded.planned_date, actual_date = excluded.actual_date, weight = excluded.weight,
                        percent_complete = excluded.percent_complete, batch_id = excluded.batch_id;
                    """;
                upsert.Parameters.AddWithValue("$code", m.ProjectCode);
                upsert.Parameters.AddWithValue("$name", m.Name);
                upsert.Parameters.AddWithValue("$planned", planned);
                upsert.Parameters.AddWithValue("$actual", (object?)actual ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$weight", Dec(m.Weight));
                upsert.Parameters.AddWithValue("$percent", Dec(m.PercentComplete));
                upsert.Parameters.AddWithValue("$batch", batchId);
                upsert.ExecuteNonQuery();
                if (existing is null)
                {
                    inserted++;
                }
                else
                {
                    updated++;
                }
            }

            return (inserted, updated, unchanged);
        });
    }

    public Core.Health.DeliveryData Load(DateOnly? upTo = null)
    {
        using var connection = database.Open();
        var limit = upTo?.ToString(DateFormat, CultureInfo.InvariantCulture);
        var time = new List<TimeEntry>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT entry_date, project_code, person, hours, cost_rate, bill_rate, notes FROM time_entries WHERE $upTo IS NULL OR entry_date <= $upTo ORDER BY id;";
            cmd.Parameters.AddWithValue("$upTo", (object?)limit ?? DBNull.Value);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                time.Add(new TimeEntry(Day(r.GetString(0)), r.GetString(1), r.GetString(2), Dec(r.GetString(3)), Dec(r.GetString(4)), Dec(r.GetString(5)), r.IsDBNull(6) ? null : r.GetString(6)));
            }
        }

        var costs = new List<CostEntry>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT entry_date, project_code, description, amount FROM cost_entries WHERE $upTo IS NULL OR entry_date <= $upTo ORDER BY id;";
            cmd.Parameters.AddWithValue("$upTo", (object?)limit ?? DBNull.Value);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                costs.Add(new CostEntry(Day(r.GetString(0)), r.GetString(1), r.GetString(2), Dec(r.GetString(3))));
            }
        }

        var milestones = new List<Milestone>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT project_code, name, planned_date, actual_date, weight, percent_complete FROM milestones ORDER BY project_code, planned_date, name;";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                milestones.Add(new Milestone(r.GetString(0), r.GetString(1), Day(r.GetString(2)), r.IsDBNull(3) ? null : Day(r.GetString(3)), Dec(r.GetString(4)), Dec(r.GetString(5))));
            }
        }

        return new Core.Health.DeliveryData(time, costs, milestones);
    }

    public void SaveHealthSnapshots(IReadOnlyList<HealthSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO health_snapshots (project_id, project_code, run_at, as_of, score, rag, trend, cpi, spi, eac, currency, top_reason)
            VALUES ($id, $code, $run, $asOf, $score, $rag, $trend, $cpi, $spi, $eac, $currency, $reason)
            ON CONFLICT (project_id, run_at) DO UPDATE SET
                project_code = excluded.project_code, as_of = excluded.as_of, score = excluded.score, rag = excluded.rag,
                trend = excluded.trend, cpi = excluded.cpi, spi = excluded.spi, eac = excluded.eac,
                currency = excluded.currency, top_reason = excluded.top_reason;
            """;
        var p = SnapshotParameters
            .Select(n => cmd.Parameters.Add(n, SqliteType.Text)).ToArray();
        foreach (var s in snapshots)
        {
            p[0].Value = s.ProjectId;
            p[1].Value = s.ProjectCode;
            p[2].Value = Instant(s.RunAt);
            p[3].Value = Instant(s.AsOf);
            p[4].Value = Opt(s.Score);
            p[5].Value = s.Rag.Name();
            p[6].Value = s.Trend.Name();
            p[7].Value = Opt(s.Cpi);
            p[8].Value = Opt(s.Spi);
            p[9].Value = Opt(s.Eac);
            p[10].Value = s.Currency;
            p[11].Value = s.TopReason;
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public IReadOnlyList<HealthSnapshot> LoadHealthSnapshots(DateTimeOffset before, int perProject)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perProject, 1);
        using var connection = database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT project_id, project_code, run_at, as_of, score, rag, trend, cpi, spi, eac, currency, top_reason FROM (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY as_of DESC, run_at DESC) AS n
                FROM health_snapshots WHERE as_of < $before)
            WHERE n <= $per ORDER BY project_id, as_of, run_at;
            """;
        cmd.Parameters.AddWithValue("$before", Instant(before));
        cmd.Parameters.AddWithValue("$per", perProject);
        using var r = cmd.ExecuteReader();
        var list = new List<HealthSnapshot>();
        while (r.Read())
        {
            list.Add(new HealthSnapshot(
                r.GetString(0),
                r.GetString(1),
                ParseInstant(r.GetString(2)),
                ParseInstant(r.GetString(3)),
                OptDec(r, 4),
                ParseRag(r.GetString(5)),
                ParseTrend(r.GetString(6)),
                OptDec(r, 7),
                OptDec(r, 8),
                OptDec(r, 9),
                r.GetString(10),
                r.GetString(11)));
        }

        return list;
    }

    public IReadOnlyList<ImportBatch> LoadImportBatches()
    {
        using var connection = database.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT kind, source, content_hash, imported_at, rows_read, rows_rejected FROM import_batches ORDER BY id;";
        using var r = cmd.ExecuteReader();
        var list = new List<ImportBatch>();
        while (r.Read())
        {
            list.Add(new ImportBatch(r.GetString(0), r.GetString(1), r.GetString(2), ParseInstant(r.GetString(3)), r.GetInt32(4), r.GetInt32(5)));
        }

        return list;
    }

    private DeliveryDataWriteResult Write(ImportBatch batch, Func<SqliteConnection, SqliteTransaction, long, (int Inserted, int Updated, int Unchanged)> rows)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        long batchId;
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO import_batches (kind, source, content_hash, imported_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected)
                VALUES ($kind, $source, $hash, $at, $read, 0, 0, 0, $rejected) RETURNING id;
                """;
            cmd.Parameters.AddWithValue("$kind", batch.Kind);
            cmd.Parameters.AddWithValue("$source", batch.Source);
            cmd.Parameters.AddWithValue("$hash", batch.ContentHash);
            cmd.Parameters.AddWithValue("$at", Instant(batch.ImportedAt));
            cmd.Parameters.AddWithValue("$read", batch.RowsRead);
            cmd.Parameters.AddWithValue("$rejected", batch.RowsRejected);
            batchId = (long)cmd.ExecuteScalar()!;
        }

        var (inserted, updated, unchanged) = rows(connection, tx, batchId);
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE import_batches SET rows_inserted = $i, rows_updated = $u, rows_unchanged = $n WHERE id = $id;";
            cmd.Parameters.AddWithValue("$i", inserted);
            cmd.Parameters.AddWithValue("$u", updated);
            cmd.Parameters.AddWithValue("$n", unchanged);
            cmd.Parameters.AddWithValue("$id", batchId);
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
        return new DeliveryDataWriteResult(inserted, updated, unchanged, batchId);
    }

    private static string Dec(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal Dec(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static object Opt(decimal? value) => value is { } v ? Dec(v) : DBNull.Value;

    private static decimal? OptDec(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Dec(r.GetString(i));

    private static DateOnly Day(string value) => DateOnly.ParseExact(value, DateFormat, CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseInstant(string value) =>
        DateTimeOffset.ParseExact(value, [InstantFormat, "yyyy-MM-dd'T'HH:mm:ss'Z'"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static Rag ParseRag(string value) => value switch
    {
        "green" => Rag.Green,
        "amber" => Rag.Amber,
        "red" => Rag.Red,
        _ => Rag.Unknown,
    };

    private static HealthTrend ParseTrend(string value) => value switch
    {
        "improving" => HealthTrend.Improving,
        "steady" => HealthTrend.Steady,
        "worsening" => HealthTrend.Worsening,
        _ => HealthTrend.Unknown,
    };
}
