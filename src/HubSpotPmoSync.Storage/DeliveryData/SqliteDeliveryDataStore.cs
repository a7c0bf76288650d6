using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using Microsoft.Data.Sqlite;

namespace HubSpotPmoSync.Storage.DeliveryData;

/// <summary>
/// <see cref="IDeliveryDataStore"/> on the product's SQLite file (migrations 0004 and 0010). Every write is one
/// transaction: the batch record, all its rows and what they replaced (for undo), or nothing.
/// </summary>
public sealed partial class SqliteDeliveryDataStore(SqliteDatabase database) : IDeliveryDataStore
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private static readonly string[] SnapshotParameters = ["$id", "$code", "$run", "$asOf", "$score", "$rag", "$trend", "$cpi", "$spi", "$eac", "$currency", "$reason"];

    public Task<DeliveryDataWriteResult> UpsertTimeEntriesAsync(IReadOnlyList<KeyedTimeEntry> entries, TimeEntryIdentity identity, ImportBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(UpsertTimeEntries(entries, identity, batch));
    }

    private DeliveryDataWriteResult UpsertTimeEntries(IReadOnlyList<KeyedTimeEntry> entries, TimeEntryIdentity identity, ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(batch);
        return Write(batch, undoable: true, (connection, tx, batchId) =>
        {
            Rekey(connection, tx, identity);
            using var find = Command(connection, tx, "SELECT id, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, source_id FROM time_entries WHERE row_key = $key;");
            var findKey = find.Parameters.Add("$key", SqliteType.Text);
            using var insert = Command(connection, tx, """
                INSERT INTO time_entries (row_key, key_spec, source_id, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, batch_id)
                VALUES ($key, $spec, $source, $date, $code, $person, $hours, $cost, $bill, $notes, $batch) RETURNING id;
                """);
            using var update = Command(connection, tx, """
                UPDATE time_entries SET key_spec = $spec, source_id = $source, entry_date = $date, project_code = $code, person = $person,
                    hours = $hours, cost_rate = $cost, bill_rate = $bill, notes = $notes, batch_id = $batch
                WHERE id = $id;
                """);
            using var keepPrevious = Command(connection, tx, """
                INSERT INTO import_batch_changes (batch_id, kind, entry_id, previous)
                SELECT $batch, 'time-entry', id, json_object('entry_date', entry_date, 'project_code', project_code, 'person', person, 'hours', hours,
                    'cost_rate', cost_rate, 'bill_rate', bill_rate, 'notes', notes, 'source_id', source_id, 'batch_id', batch_id)
                FROM time_entries WHERE id = $id;
                """);
            using var recordAdded = Command(connection, tx, "INSERT INTO import_batch_changes (batch_id, kind, entry_id, previous) VALUES ($batch, 'time-entry', $id, NULL);");
            foreach (var c in new[] { keepPrevious, recordAdded })
            {
                c.Parameters.AddWithValue("$batch", batchId);
            }

            int inserted = 0, updated = 0, unchanged = 0;
            foreach (var (key, e, sourceId) in entries)
            {
                string[] wanted = [e.Date.ToString(DateFormat, CultureInfo.InvariantCulture), e.ProjectCode, e.Person, Dec(e.Hours), Dec(e.CostRate), Dec(e.BillRate), e.Notes ?? "", sourceId ?? ""];
                findKey.Value = key;
                long? existingId = null;
                string[]? existing = null;
                using (var r = find.ExecuteReader())
                {
                    if (r.Read())
                    {
                        existingId = r.GetInt64(0);
                        existing = Enumerable.Range(1, 8).Select(i => r.IsDBNull(i) ? "" : r.GetString(i)).ToArray();
                    }
                }

                if (existing is not null && SameValues(existing, wanted))
                {
                    unchanged++;
                    continue;
                }

                var target = existingId is { } id ? update : insert;
                target.Parameters.Clear();
                target.Parameters.AddWithValue("$batch", batchId);
                target.Parameters.AddWithValue("$spec", identity.Spec);
                target.Parameters.AddWithValue("$source", (object?)sourceId ?? DBNull.Value);
                target.Parameters.AddWithValue("$date", wanted[0]);
                target.Parameters.AddWithValue("$code", e.ProjectCode);
                target.Parameters.AddWithValue("$person", e.Person);
                target.Parameters.AddWithValue("$hours", wanted[3]);
                target.Parameters.AddWithValue("$cost", wanted[4]);
                target.Parameters.AddWithValue("$bill", wanted[5]);
                target.Parameters.AddWithValue("$notes", (object?)e.Notes ?? DBNull.Value);
                if (existingId is { } replacedId)
                {
                    keepPrevious.Parameters.AddWithValue("$id", replacedId);
                    keepPrevious.ExecuteNonQuery();
                    keepPrevious.Parameters.RemoveAt("$id");
                    update.Parameters.AddWithValue("$id", replacedId);
                    update.ExecuteNonQuery();
                    updated++;
                }
                else
                {
                    insert.Parameters.AddWithValue("$key", key);
                    var newId = (long)insert.ExecuteScalar()!;
                    recordAdded.Parameters.AddWithValue("$id", newId);
                    recordAdded.ExecuteNonQuery();
                    recordAdded.Parameters.RemoveAt("$id");
                    inserted++;
                }
            }

            return (inserted, updated, unchanged);
        });
    }

    public Task<DeliveryDataWriteResult> AddCostEntriesAsync(IReadOnlyList<(string RowKey, CostEntry Entry)> entries, ImportBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(AddCostEntries(entries, batch));
    }

    private DeliveryDataWriteResult AddCostEntries(IReadOnlyList<(string RowKey, CostEntry Entry)> entries, ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(batch);
        return Write(batch, undoable: false, (connection, tx, batchId) =>
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

    public Task<DeliveryDataWriteResult> UpsertMilestonesAsync(IReadOnlyList<Milestone> milestones, ImportBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(UpsertMilestones(milestones, batch));
    }

    private DeliveryDataWriteResult UpsertMilestones(IReadOnlyList<Milestone> milestones, ImportBatch batch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(batch);
        return Write(batch, undoable: true, (connection, tx, batchId) =>
        {
            int inserted = 0, updated = 0, unchanged = 0;
            foreach (var m in milestones)
            {
                using var find = Command(connection, tx, "SELECT planned_date, actual_date, weight, percent_complete FROM milestones WHERE project_code = $code AND name = $name;");
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

                using (var change = Command(connection, tx, existing is null
                    ? "INSERT INTO import_batch_changes (batch_id, kind, project_code, name, previous) VALUES ($batch, 'milestone', $code, $name, NULL);"
                    : """
                      INSERT INTO import_batch_changes (batch_id, kind, project_code, name, previous)
                      SELECT $batch, 'milestone', project_code, name, json_object('planned_date', planned_date, 'actual_date', actual_date, 'weight', weight,
                          'percent_complete', percent_complete, 'batch_id', batch_id)
                      FROM milestones WHERE project_code = $code AND name = $name;
                      """))
                {
                    change.Parameters.AddWithValue("$batch", batchId);
                    change.Parameters.AddWithValue("$code", m.ProjectCode);
                    change.Parameters.AddWithValue("$name", m.Name);
                    change.ExecuteNonQuery();
                }

                using var upsert = Command(connection, tx, """
                    INSERT INTO milestones (project_code, name, planned_date, actual_date, weight, percent_complete, batch_id)
                    VALUES ($code, $name, $planned, $actual, $weight, $percent, $batch)
                    ON CONFLICT (project_code, name) DO UPDATE SET
                        planned_date = excluded.planned_date, actual_date = excluded.actual_date, weight = excluded.weight,
                        percent_complete = excluded.percent_complete, batch_id = excluded.batch_id;
                    """);
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

    public Task<Core.Health.DeliveryData> LoadAsync(DateOnly? upTo, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(upTo));
    }

    private Core.Health.DeliveryData Load(DateOnly? upTo)
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

    public Task SaveHealthSnapshotsAsync(IReadOnlyList<HealthSnapshot> snapshots, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SaveHealthSnapshots(snapshots);
        return Task.CompletedTask;
    }

    private void SaveHealthSnapshots(IReadOnlyList<HealthSnapshot> snapshots)
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

    public Task<IReadOnlyList<HealthSnapshot>> LoadHealthSnapshotsAsync(DateTimeOffset before, int perProject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<HealthSnapshot>>(LoadHealthSnapshots(before, perProject));
    }

    private List<HealthSnapshot> LoadHealthSnapshots(DateTimeOffset before, int perProject)
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
        return ReadSnapshots(cmd);
    }

    /// <summary>
    /// Reads the snapshots a query selects, its columns in this order: project_id, project_code, run_at, as_of, score,
    /// rag, trend, cpi, spi, eac, currency, top_reason.
    /// </summary>
    private static List<HealthSnapshot> ReadSnapshots(SqliteCommand cmd)
    {
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

    public Task<IReadOnlyList<ImportBatch>> LoadImportBatchesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ImportBatch>>(LoadImportBatches());
    }

    private List<ImportBatch> LoadImportBatches()
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

    public Task<IReadOnlyList<ImportBatchInfo>> ListImportBatchesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ImportBatchInfo>>(ListImportBatches());
    }

    private List<ImportBatchInfo> ListImportBatches()
    {
        using var connection = database.Open();
        using var cmd = Command(connection, null, """
            SELECT id, kind, source, imported_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, undoable, undone_at
            FROM import_batches ORDER BY id;
            """);
        using var r = cmd.ExecuteReader();
        var list = new List<ImportBatchInfo>();
        while (r.Read())
        {
            list.Add(new ImportBatchInfo(
                r.GetInt64(0), r.GetString(1), r.GetString(2), ParseInstant(r.GetString(3)), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8),
                r.GetInt64(9) == 1, r.IsDBNull(10) ? null : ParseInstant(r.GetString(10))));
        }

        return list;
    }

    public Task<ImportUndoResult> UndoImportBatchAsync(long batchId, DateTimeOffset undoneAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(UndoImportBatch(batchId, undoneAt));
    }

    private ImportUndoResult UndoImportBatch(long batchId, DateTimeOffset undoneAt)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        bool undoable;
        bool undone;
        using (var find = Command(connection, tx, "SELECT undoable, undone_at FROM import_batches WHERE id = $id;"))
        {
            find.Parameters.AddWithValue("$id", batchId);
            using var r = find.ExecuteReader();
            if (!r.Read())
            {
                return new ImportUndoResult(ImportUndoOutcome.NotFound, 0, 0, []);
            }

            undoable = r.GetInt64(0) == 1;
            undone = !r.IsDBNull(1);
        }

        if (undone)
        {
            return new ImportUndoResult(ImportUndoOutcome.AlreadyUndone, 0, 0, []);
        }

        if (!undoable)
        {
            return new ImportUndoResult(ImportUndoOutcome.NotRecorded, 0, 0, []);
        }

        var later = new List<long>();
        using (var cmd = Command(connection, tx, """
            SELECT t.batch_id FROM import_batch_changes c JOIN time_entries t ON t.id = c.entry_id
            WHERE c.batch_id = $id AND c.kind = 'time-entry' AND t.batch_id <> $id
            UNION
            SELECT m.batch_id FROM import_batch_changes c JOIN milestones m ON m.project_code = c.project_code AND m.name = c.name
            WHERE c.batch_id = $id AND c.kind = 'milestone' AND m.batch_id <> $id
            ORDER BY 1;
            """))
        {
            cmd.Parameters.AddWithValue("$id", batchId);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                later.Add(r.GetInt64(0));
            }
        }

        if (later.Count > 0)
        {
            return new ImportUndoResult(ImportUndoOutcome.Superseded, 0, 0, later);
        }

        // Restored rows get key_spec NULL: their earlier values may key differently under today's identity, so the
        // next time-entry import re-keys them.
        var removed = Execute(connection, tx, batchId, """
            DELETE FROM time_entries WHERE batch_id = $id AND id IN (
                SELECT entry_id FROM import_batch_changes WHERE batch_id = $id AND kind = 'time-entry' AND previous IS NULL);
            """);
        var restored = Execute(connection, tx, batchId, """
            UPDATE time_entries SET
                entry_date = json_extract(c.previous, '$.entry_date'), project_code = json_extract(c.previous, '$.project_code'),
                person = json_extract(c.previous, '$.person'), hours = json_extract(c.previous, '$.hours'),
                cost_rate = json_extract(c.previous, '$.cost_rate'), bill_rate = json_extract(c.previous, '$.bill_rate'),
                notes = json_extract(c.previous, '$.notes'), source_id = json_extract(c.previous, '$.source_id'),
                batch_id = json_extract(c.previous, '$.batch_id'), key_spec = NULL
            FROM import_batch_changes c
            WHERE c.batch_id = $id AND c.kind = 'time-entry' AND c.previous IS NOT NULL AND time_entries.id = c.entry_id AND time_entries.batch_id = $id;
            """);
        removed += Execute(connection, tx, batchId, """
            DELETE FROM milestones WHERE batch_id = $id AND (project_code, name) IN (
                SELECT project_code, name FROM import_batch_changes WHERE batch_id = $id AND kind = 'milestone' AND previous IS NULL);
            """);
        restored += Execute(connection, tx, batchId, """
            UPDATE milestones SET
                planned_date = json_extract(c.previous, '$.planned_date'), actual_date = json_extract(c.previous, '$.actual_date'),
                weight = json_extract(c.previous, '$.weight'), percent_complete = json_extract(c.previous, '$.percent_complete'),
                batch_id = json_extract(c.previous, '$.batch_id')
            FROM import_batch_changes c
            WHERE c.batch_id = $id AND c.kind = 'milestone' AND c.previous IS NOT NULL
              AND milestones.project_code = c.project_code AND milestones.name = c.name AND milestones.batch_id = $id;
            """);
        using (var mark = Command(connection, tx, "UPDATE import_batches SET undone_at = $at WHERE id = $id;"))
        {
            mark.Parameters.AddWithValue("$id", batchId);
            mark.Parameters.AddWithValue("$at", Instant(undoneAt));
            mark.ExecuteNonQuery();
        }

        tx.Commit();
        return new ImportUndoResult(ImportUndoOutcome.Undone, removed, restored, []);
    }

    /// <summary>
    /// Re-keys the stored time entries under <paramref name="identity"/> when any is keyed otherwise (rows from before
    /// migration 0010, or an earlier <c>Import:TimeEntries:Key</c>). Occurrences count in storage order; a row that
    /// cannot have a key under the identity (no id, or a repeated one) gets one of its own that nothing matches.
    /// </summary>
    private static void Rekey(SqliteConnection connection, SqliteTransaction tx, TimeEntryIdentity identity)
    {
        using (var stale = Command(connection, tx, "SELECT EXISTS (SELECT 1 FROM time_entries WHERE key_spec IS NULL OR key_spec <> $spec);"))
        {
            stale.Parameters.AddWithValue("$spec", identity.Spec);
            if ((long)stale.ExecuteScalar()! == 0)
            {
                return;
            }
        }

        var ids = new List<long>();
        var rows = new List<(TimeEntry, string?)>();
        using (var all = Command(connection, tx, "SELECT id, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, source_id FROM time_entries ORDER BY id;"))
        using (var r = all.ExecuteReader())
        {
            while (r.Read())
            {
                ids.Add(r.GetInt64(0));
                rows.Add((new TimeEntry(Day(r.GetString(1)), r.GetString(2), r.GetString(3), Dec(r.GetString(4)), Dec(r.GetString(5)), Dec(r.GetString(6)), r.IsDBNull(7) ? null : r.GetString(7)),
                    r.IsDBNull(8) ? null : r.GetString(8)));
            }
        }

        var keys = identity.Keys(rows);
        using (var clear = Command(connection, tx, "UPDATE time_entries SET row_key = 'rekey:' || id;"))
        {
            clear.ExecuteNonQuery();
        }

        using var set = Command(connection, tx, "UPDATE time_entries SET row_key = $key, key_spec = $spec WHERE id = $id;");
        var key = set.Parameters.Add("$key", SqliteType.Text);
        var id = set.Parameters.Add("$id", SqliteType.Integer);
        set.Parameters.AddWithValue("$spec", identity.Spec);
        for (var i = 0; i < ids.Count; i++)
        {
            key.Value = keys[i] ?? "row:" + ids[i].ToString(CultureInfo.InvariantCulture);
            id.Value = ids[i];
            set.ExecuteNonQuery();
        }
    }

    /// <summary>Stored and new values of a time entry alike; hours and rates compared as numbers (4.0 = 4).</summary>
    private static bool SameValues(string[] stored, string[] wanted) =>
        stored.Select((v, i) => i is 3 or 4 or 5 ? Dec(v) == Dec(wanted[i]) : string.Equals(v, wanted[i], StringComparison.Ordinal)).All(same => same);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction tx, long batchId, string sql)
    {
        using var cmd = Command(connection, tx, sql);
        cmd.Parameters.AddWithValue("$id", batchId);
        return cmd.ExecuteNonQuery();
    }

    private DeliveryDataWriteResult Write(ImportBatch batch, bool undoable, Func<SqliteConnection, SqliteTransaction, long, (int Inserted, int Updated, int Unchanged)> rows)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction();
        long batchId;
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO import_batches (kind, source, content_hash, imported_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, undoable)
                VALUES ($kind, $source, $hash, $at, $read, 0, 0, 0, $rejected, $undoable) RETURNING id;
                """;
            cmd.Parameters.AddWithValue("$kind", batch.Kind);
            cmd.Parameters.AddWithValue("$source", batch.Source);
            cmd.Parameters.AddWithValue("$hash", batch.ContentHash);
            cmd.Parameters.AddWithValue("$at", Instant(batch.ImportedAt));
            cmd.Parameters.AddWithValue("$read", batch.RowsRead);
            cmd.Parameters.AddWithValue("$rejected", batch.RowsRejected);
            cmd.Parameters.AddWithValue("$undoable", undoable ? 1 : 0);
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
