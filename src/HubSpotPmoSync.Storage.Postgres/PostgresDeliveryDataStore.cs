using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>
/// <see cref="IDeliveryDataStore"/> and <see cref="IHealthHistoryStore"/> on PostgreSQL. Every write is one transaction:
/// the batch record, all its rows and what they replaced (for undo), or nothing. Values are stored as the SQLite store
/// stores them (dates and instants as ISO text, amounts as invariant decimal text).
/// </summary>
internal sealed class PostgresDeliveryDataStore(PostgresDatabase database) : IDeliveryDataStore, IHealthHistoryStore
{
    private const string DateFormat = "yyyy-MM-dd";

    public Task<DeliveryDataWriteResult> UpsertTimeEntriesAsync(
        IReadOnlyList<KeyedTimeEntry> entries, TimeEntryIdentity identity, ImportBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync(batch, undoable: true, async (connection, tx, batchId) =>
        {
            await RekeyAsync(connection, tx, identity, cancellationToken);
            var stored = new Dictionary<string, (long Id, string[] Values)>(StringComparer.Ordinal);
            await using (var find = new NpgsqlCommand(
                "SELECT row_key, id, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, source_id FROM time_entries WHERE row_key = ANY(@keys);",
                connection, tx))
            {
                find.Parameters.AddWithValue("keys", entries.Select(e => e.Key).Distinct().ToArray());
                await using var r = await find.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken))
                {
                    stored[r.GetString(0)] = (r.GetInt64(1), Enumerable.Range(2, 8).Select(i => r.IsDBNull(i) ? "" : r.GetString(i)).ToArray());
                }
            }

            int inserted = 0, updated = 0, unchanged = 0;
            foreach (var (key, e, sourceId) in entries)
            {
                string[] wanted = [Day(e.Date), e.ProjectCode, e.Person, Dec(e.Hours), Dec(e.CostRate), Dec(e.BillRate), e.Notes ?? "", sourceId ?? ""];
                if (stored.TryGetValue(key, out var existing) && SameValues(existing.Values, wanted))
                {
                    unchanged++;
                    continue;
                }

                (string, object?)[] values =
                [
                    ("batch", batchId), ("spec", identity.Spec), ("source", sourceId), ("date", wanted[0]), ("code", e.ProjectCode), ("person", e.Person),
                    ("hours", wanted[3]), ("cost", wanted[4]), ("bill", wanted[5]), ("notes", e.Notes),
                ];
                if (stored.TryGetValue(key, out var replaced))
                {
                    await PostgresDatabase.Execute(connection, tx, """
                        INSERT INTO import_batch_changes (batch_id, kind, entry_id, previous)
                        SELECT @batch, 'time-entry', id, json_build_object('entry_date', entry_date, 'project_code', project_code, 'person', person, 'hours', hours,
                            'cost_rate', cost_rate, 'bill_rate', bill_rate, 'notes', notes, 'source_id', source_id, 'batch_id', batch_id)::text
                        FROM time_entries WHERE id = @id;
                        """, cancellationToken, ("batch", batchId), ("id", replaced.Id));
                    await PostgresDatabase.Execute(connection, tx, """
                        UPDATE time_entries SET key_spec = @spec, source_id = @source, entry_date = @date, project_code = @code, person = @person,
                            hours = @hours, cost_rate = @cost, bill_rate = @bill, notes = @notes, batch_id = @batch
                        WHERE id = @id;
                        """, cancellationToken, [.. values, ("id", replaced.Id)]);
                    stored[key] = (replaced.Id, wanted);
                    updated++;
                }
                else
                {
                    await using var insert = new NpgsqlCommand("""
                        INSERT INTO time_entries (row_key, key_spec, source_id, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, batch_id)
                        VALUES (@key, @spec, @source, @date, @code, @person, @hours, @cost, @bill, @notes, @batch) RETURNING id;
                        """, connection, tx);
                    foreach (var (name, value) in values.Append(("key", key)))
                    {
                        insert.Parameters.Add(Parameter(name, value));
                    }

                    var newId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
                    await PostgresDatabase.Execute(connection, tx,
                        "INSERT INTO import_batch_changes (batch_id, kind, entry_id, previous) VALUES (@batch, 'time-entry', @id, NULL);",
                        cancellationToken, ("batch", batchId), ("id", newId));
                    stored[key] = (newId, wanted);
                    inserted++;
                }
            }

            return (inserted, updated, unchanged);
        }, cancellationToken);
    }

    public Task<DeliveryDataWriteResult> AddCostEntriesAsync(IReadOnlyList<(string RowKey, CostEntry Entry)> entries, ImportBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync(batch, undoable: false, async (connection, tx, batchId) =>
        {
            var inserted = 0;
            foreach (var (rowKey, e) in entries)
            {
                inserted += await PostgresDatabase.Execute(connection, tx, """
                    INSERT INTO cost_entries (row_key, entry_date, project_code, description, amount, batch_id)
                    VALUES (@key, @date, @code, @description, @amount, @batch)
                    ON CONFLICT (row_key) DO NOTHING;
                    """, cancellationToken,
                    ("key", rowKey), ("date", Day(e.Date)), ("code", e.ProjectCode), ("description", e.Description), ("amount", Dec(e.Amount)), ("batch", batchId));
            }

            return (inserted, 0, entries.Count - inserted);
        }, cancellationToken);
    }

    public Task<DeliveryDataWriteResult> UpsertMilestonesAsync(IReadOnlyList<Milestone> milestones, ImportBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync(batch, undoable: true, async (connection, tx, batchId) =>
        {
            int inserted = 0, updated = 0, unchanged = 0;
            foreach (var m in milestones)
            {
                string[]? existing = null;
                await using (var find = new NpgsqlCommand(
                    "SELECT planned_date, actual_date, weight, percent_complete FROM milestones WHERE project_code = @code AND name = @name;", connection, tx))
                {
                    find.Parameters.AddWithValue("code", m.ProjectCode);
                    find.Parameters.AddWithValue("name", m.Name);
                    await using var reader = await find.ExecuteReaderAsync(cancellationToken);
                    if (await reader.ReadAsync(cancellationToken))
                    {
                        existing = [reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetString(2), reader.GetString(3)];
                    }
                }

                var planned = Day(m.PlannedDate);
                var actual = m.ActualDate is { } a ? Day(a) : null;
                string[] wanted = [planned, actual ?? "", Dec(m.Weight), Dec(m.PercentComplete)];
                if (existing is not null && existing.SequenceEqual(wanted, StringComparer.Ordinal))
                {
                    unchanged++;
                    continue;
                }

                await PostgresDatabase.Execute(connection, tx, existing is null
                    ? "INSERT INTO import_batch_changes (batch_id, kind, project_code, name, previous) VALUES (@batch, 'milestone', @code, @name, NULL);"
                    : """
                      INSERT INTO import_batch_changes (batch_id, kind, project_code, name, previous)
                      SELECT @batch, 'milestone', project_code, name, json_build_object('planned_date', planned_date, 'actual_date', actual_date, 'weight', weight,
                          'percent_complete', percent_complete, 'batch_id', batch_id)::text
                      FROM milestones WHERE project_code = @code AND name = @name;
                      """, cancellationToken, ("batch", batchId), ("code", m.ProjectCode), ("name", m.Name));
                await PostgresDatabase.Execute(connection, tx, """
                    INSERT INTO milestones (project_code, name, planned_date, actual_date, weight, percent_complete, batch_id)
                    VALUES (@code, @name, @planned, @actual, @weight, @percent, @batch)
                    ON CONFLICT (project_code, name) DO UPDATE SET
                        planned_date = excluded.planned_date, actual_date = excluded.actual_date, weight = excluded.weight,
                        percent_complete = excluded.percent_complete, batch_id = excluded.batch_id;
                    """, cancellationToken,
                    ("code", m.ProjectCode), ("name", m.Name), ("planned", planned), ("actual", actual), ("weight", Dec(m.Weight)),
                    ("percent", Dec(m.PercentComplete)), ("batch", batchId));
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
        }, cancellationToken);
    }

    public async Task<Core.Health.DeliveryData> LoadAsync(DateOnly? upTo, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        if (connection is null)
        {
            return new Core.Health.DeliveryData([], [], []);
        }

        var limit = upTo is { } u ? Day(u) : null;
        var time = new List<TimeEntry>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT entry_date, project_code, person, hours, cost_rate, bill_rate, notes FROM time_entries WHERE @upTo::text IS NULL OR entry_date <= @upTo::text ORDER BY id;", connection))
        {
            cmd.Parameters.Add(Parameter("upTo", limit));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                time.Add(new TimeEntry(ParseDay(r.GetString(0)), r.GetString(1), r.GetString(2), Dec(r.GetString(3)), Dec(r.GetString(4)), Dec(r.GetString(5)), PgValues.String(r, 6)));
            }
        }

        var costs = new List<CostEntry>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT entry_date, project_code, description, amount FROM cost_entries WHERE @upTo::text IS NULL OR entry_date <= @upTo::text ORDER BY id;", connection))
        {
            cmd.Parameters.Add(Parameter("upTo", limit));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                costs.Add(new CostEntry(ParseDay(r.GetString(0)), r.GetString(1), r.GetString(2), Dec(r.GetString(3))));
            }
        }

        var milestones = new List<Milestone>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT project_code, name, planned_date, actual_date, weight, percent_complete FROM milestones ORDER BY project_code COLLATE \"C\", planned_date, name COLLATE \"C\";", connection))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                milestones.Add(new Milestone(r.GetString(0), r.GetString(1), ParseDay(r.GetString(2)), r.IsDBNull(3) ? null : ParseDay(r.GetString(3)), Dec(r.GetString(4)), Dec(r.GetString(5))));
            }
        }

        return new Core.Health.DeliveryData(time, costs, milestones);
    }

    public async Task SaveHealthSnapshotsAsync(IReadOnlyList<HealthSnapshot> snapshots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (snapshots.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            foreach (var s in snapshots)
            {
                var command = new NpgsqlBatchCommand("""
                    INSERT INTO health_snapshots (project_id, project_code, run_at, as_of, score, rag, trend, cpi, spi, eac, currency, top_reason)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    ON CONFLICT (project_id, run_at) DO UPDATE SET
                        project_code = excluded.project_code, as_of = excluded.as_of, score = excluded.score, rag = excluded.rag,
                        trend = excluded.trend, cpi = excluded.cpi, spi = excluded.spi, eac = excluded.eac,
                        currency = excluded.currency, top_reason = excluded.top_reason;
                    """);
                foreach (var value in new object?[] { s.ProjectId, s.ProjectCode, PgValues.Time(s.RunAt), PgValues.Time(s.AsOf), Opt(s.Score), s.Rag.Name(), s.Trend.Name(), Opt(s.Cpi), Opt(s.Spi), Opt(s.Eac), s.Currency, s.TopReason })
                {
                    command.Parameters.Add(Parameter(null, value));
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<HealthSnapshot>> LoadHealthSnapshotsAsync(DateTimeOffset before, int perProject, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perProject, 1);
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        if (connection is null)
        {
            return [];
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT project_id, project_code, run_at, as_of, score, rag, trend, cpi, spi, eac, currency, top_reason FROM (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY as_of DESC, run_at DESC) AS n
                FROM health_snapshots WHERE as_of < @before) s
            WHERE n <= @per ORDER BY project_id COLLATE "C", as_of, run_at;
            """, connection);
        cmd.Parameters.AddWithValue("before", PgValues.Time(before));
        cmd.Parameters.AddWithValue("per", (long)perProject);
        return await ReadSnapshotsAsync(cmd, cancellationToken);
    }

    public IReadOnlyList<HealthSnapshot> LoadHealthHistory(string projectId, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(projectId);

        // The port is synchronous (the portfolio page reads it per request); the read is short.
        return LoadHealthHistoryAsync(projectId, from, to, CancellationToken.None).GetAwaiter().GetResult();
    }

    private async Task<IReadOnlyList<HealthSnapshot>> LoadHealthHistoryAsync(string projectId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        if (connection is null)
        {
            return [];
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT project_id, project_code, run_at, as_of, score, rag, trend, cpi, spi, eac, currency, top_reason
            FROM health_snapshots WHERE project_id = @project AND as_of >= @from AND as_of < @to
            ORDER BY as_of, run_at;
            """, connection);
        cmd.Parameters.AddWithValue("project", projectId);
        cmd.Parameters.AddWithValue("from", PgValues.Time(from));
        cmd.Parameters.AddWithValue("to", PgValues.Time(to));
        return await ReadSnapshotsAsync(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<ImportBatch>> LoadImportBatchesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        var list = new List<ImportBatch>();
        if (connection is null)
        {
            return list;
        }

        await using var cmd = new NpgsqlCommand("SELECT kind, source, content_hash, imported_at, rows_read, rows_rejected FROM import_batches ORDER BY id;", connection);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ImportBatch(r.GetString(0), r.GetString(1), r.GetString(2), PgValues.ParseTime(r.GetString(3)), (int)r.GetInt64(4), (int)r.GetInt64(5)));
        }

        return list;
    }

    public async Task<IReadOnlyList<ImportBatchInfo>> ListImportBatchesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenIfExistsAsync(cancellationToken);
        var list = new List<ImportBatchInfo>();
        if (connection is null)
        {
            return list;
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT id, kind, source, imported_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, undoable, undone_at
            FROM import_batches ORDER BY id;
            """, connection);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ImportBatchInfo(
                r.GetInt64(0), r.GetString(1), r.GetString(2), PgValues.ParseTime(r.GetString(3)), (int)r.GetInt64(4), (int)r.GetInt64(5), (int)r.GetInt64(6),
                (int)r.GetInt64(7), (int)r.GetInt64(8), r.GetInt64(9) == 1, r.IsDBNull(10) ? null : PgValues.ParseTime(r.GetString(10))));
        }

        return list;
    }

    public async Task<ImportUndoResult> UndoImportBatchAsync(long batchId, DateTimeOffset undoneAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        bool undoable;
        bool undone;
        await using (var find = new NpgsqlCommand("SELECT undoable, undone_at FROM import_batches WHERE id = @id FOR UPDATE;", connection, tx))
        {
            find.Parameters.AddWithValue("id", batchId);
            await using var r = await find.ExecuteReaderAsync(cancellationToken);
            if (!await r.ReadAsync(cancellationToken))
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
        await using (var cmd = new NpgsqlCommand("""
            SELECT t.batch_id FROM import_batch_changes c JOIN time_entries t ON t.id = c.entry_id
            WHERE c.batch_id = @id AND c.kind = 'time-entry' AND t.batch_id <> @id
            UNION
            SELECT m.batch_id FROM import_batch_changes c JOIN milestones m ON m.project_code = c.project_code AND m.name = c.name
            WHERE c.batch_id = @id AND c.kind = 'milestone' AND m.batch_id <> @id
            ORDER BY 1;
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("id", batchId);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
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
        var removed = await PostgresDatabase.Execute(connection, tx, """
            DELETE FROM time_entries WHERE batch_id = @id AND id IN (
                SELECT entry_id FROM import_batch_changes WHERE batch_id = @id AND kind = 'time-entry' AND previous IS NULL);
            """, cancellationToken, ("id", batchId));
        var restored = await PostgresDatabase.Execute(connection, tx, """
            UPDATE time_entries SET
                entry_date = c.previous::json ->> 'entry_date', project_code = c.previous::json ->> 'project_code',
                person = c.previous::json ->> 'person', hours = c.previous::json ->> 'hours',
                cost_rate = c.previous::json ->> 'cost_rate', bill_rate = c.previous::json ->> 'bill_rate',
                notes = c.previous::json ->> 'notes', source_id = c.previous::json ->> 'source_id',
                batch_id = (c.previous::json ->> 'batch_id')::bigint, key_spec = NULL
            FROM import_batch_changes c
            WHERE c.batch_id = @id AND c.kind = 'time-entry' AND c.previous IS NOT NULL AND time_entries.id = c.entry_id AND time_entries.batch_id = @id;
            """, cancellationToken, ("id", batchId));
        removed += await PostgresDatabase.Execute(connection, tx, """
            DELETE FROM milestones WHERE batch_id = @id AND (project_code, name) IN (
                SELECT project_code, name FROM import_batch_changes WHERE batch_id = @id AND kind = 'milestone' AND previous IS NULL);
            """, cancellationToken, ("id", batchId));
        restored += await PostgresDatabase.Execute(connection, tx, """
            UPDATE milestones SET
                planned_date = c.previous::json ->> 'planned_date', actual_date = c.previous::json ->> 'actual_date',
                weight = c.previous::json ->> 'weight', percent_complete = c.previous::json ->> 'percent_complete',
                batch_id = (c.previous::json ->> 'batch_id')::bigint
            FROM import_batch_changes c
            WHERE c.batch_id = @id AND c.kind = 'milestone' AND c.previous IS NOT NULL
              AND milestones.project_code = c.project_code AND milestones.name = c.name AND milestones.batch_id = @id;
            """, cancellationToken, ("id", batchId));
        await PostgresDatabase.Execute(connection, tx, "UPDATE import_batches SET undone_at = @at WHERE id = @id;", cancellationToken,
            ("id", batchId), ("at", PgValues.Time(undoneAt)));
        await tx.CommitAsync(cancellationToken);
        return new ImportUndoResult(ImportUndoOutcome.Undone, removed, restored, []);
    }

    /// <summary>
    /// Re-keys the stored time entries under <paramref name="identity"/> when any is keyed otherwise (as the SQLite store
    /// does): occurrences count in storage order; a row without a key under the identity gets one nothing matches.
    /// </summary>
    private static async Task RekeyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TimeEntryIdentity identity, CancellationToken cancellationToken)
    {
        await using (var stale = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM time_entries WHERE key_spec IS NULL OR key_spec <> @spec);", connection, tx))
        {
            stale.Parameters.AddWithValue("spec", identity.Spec);
            if (!(bool)(await stale.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }

        var ids = new List<long>();
        var rows = new List<(TimeEntry, string?)>();
        await using (var all = new NpgsqlCommand("SELECT id, entry_date, project_code, person, hours, cost_rate, bill_rate, notes, source_id FROM time_entries ORDER BY id;", connection, tx))
        await using (var r = await all.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                ids.Add(r.GetInt64(0));
                rows.Add((new TimeEntry(ParseDay(r.GetString(1)), r.GetString(2), r.GetString(3), Dec(r.GetString(4)), Dec(r.GetString(5)), Dec(r.GetString(6)), PgValues.String(r, 7)),
                    PgValues.String(r, 8)));
            }
        }

        var keys = identity.Keys(rows);
        await PostgresDatabase.Execute(connection, tx, "UPDATE time_entries SET row_key = 'rekey:' || id;", cancellationToken);
        await using var set = new NpgsqlCommand("""
            UPDATE time_entries t SET row_key = k.key, key_spec = @spec FROM unnest(@ids, @keys) AS k(id, key) WHERE t.id = k.id;
            """, connection, tx);
        set.Parameters.AddWithValue("spec", identity.Spec);
        set.Parameters.AddWithValue("ids", ids.ToArray());
        set.Parameters.AddWithValue("keys", ids.Select((id, i) => keys[i] ?? "row:" + id.ToString(CultureInfo.InvariantCulture)).ToArray());
        await set.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<DeliveryDataWriteResult> WriteAsync(
        ImportBatch batch, bool undoable, Func<NpgsqlConnection, NpgsqlTransaction, long, Task<(int Inserted, int Updated, int Unchanged)>> rows, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        long batchId;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO import_batches (kind, source, content_hash, imported_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, undoable)
            VALUES (@kind, @source, @hash, @at, @read, 0, 0, 0, @rejected, @undoable) RETURNING id;
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("kind", batch.Kind);
            cmd.Parameters.AddWithValue("source", batch.Source);
            cmd.Parameters.AddWithValue("hash", batch.ContentHash);
            cmd.Parameters.AddWithValue("at", PgValues.Time(batch.ImportedAt));
            cmd.Parameters.AddWithValue("read", (long)batch.RowsRead);
            cmd.Parameters.AddWithValue("rejected", (long)batch.RowsRejected);
            cmd.Parameters.AddWithValue("undoable", undoable ? 1L : 0L);
            batchId = (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
        }

        var (inserted, updated, unchanged) = await rows(connection, tx, batchId);
        await PostgresDatabase.Execute(connection, tx, "UPDATE import_batches SET rows_inserted = @i, rows_updated = @u, rows_unchanged = @n WHERE id = @id;",
            cancellationToken, ("i", (long)inserted), ("u", (long)updated), ("n", (long)unchanged), ("id", batchId));
        await tx.CommitAsync(cancellationToken);
        return new DeliveryDataWriteResult(inserted, updated, unchanged, batchId);
    }

    private static async Task<List<HealthSnapshot>> ReadSnapshotsAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<HealthSnapshot>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new HealthSnapshot(
                r.GetString(0),
                r.GetString(1),
                PgValues.ParseTime(r.GetString(2)),
                PgValues.ParseTime(r.GetString(3)),
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

    private static NpgsqlParameter Parameter(string? name, object? value) =>
        value is null or DBNull
            ? new NpgsqlParameter { ParameterName = name ?? string.Empty, Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
            : new NpgsqlParameter(name ?? string.Empty, value);

    /// <summary>Stored and new values of a time entry alike; hours and rates compared as numbers (4.0 = 4).</summary>
    private static bool SameValues(string[] stored, string[] wanted) =>
        stored.Select((v, i) => i is 3 or 4 or 5 ? Dec(v) == Dec(wanted[i]) : string.Equals(v, wanted[i], StringComparison.Ordinal)).All(same => same);

    private static string Dec(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal Dec(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static object Opt(decimal? value) => value is { } v ? Dec(v) : DBNull.Value;

    private static decimal? OptDec(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Dec(r.GetString(i));

    private static string Day(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string value) => DateOnly.ParseExact(value, DateFormat, CultureInfo.InvariantCulture);

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
