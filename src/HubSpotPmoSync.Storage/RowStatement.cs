using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace HubSpotPmoSync.Storage;

/// <summary>
/// One statement of the write path, prepared once on the writer connection's SQLite handle and run once per row:
/// positional parameters bound as UTF-8 (no per-row string conversion in SQLite, no parameter lookup by name),
/// stepped, then reset. It runs in whatever transaction the connection has open. Dispose it before the connection.
/// </summary>
internal sealed class RowStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _scratch = new byte[256];

    public RowStatement(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement));
    }

    /// <summary>Binds text, or NULL when <paramref name="value"/> is null.</summary>
    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
        }
        else if (value.Length == 0)
        {
            // SQLitePCL binds an empty span as a null pointer, which SQLite stores as NULL: bind '' as a C string.
            Check(raw.sqlite3_bind_text(_statement, index, string.Empty));
        }
        else
        {
            var max = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (_scratch.Length < max)
            {
                _scratch = new byte[Math.Max(max, _scratch.Length * 2)];
            }

            var length = Encoding.UTF8.GetBytes(value, _scratch);
            Check(raw.sqlite3_bind_text(_statement, index, _scratch.AsSpan(0, length)));
        }
    }

    /// <summary>Binds UTF-8 text that is never empty (SQLite copies it).</summary>
    public void Utf8(int index, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            throw new ArgumentException("Empty UTF-8 text would bind as NULL.", nameof(value));
        }

        Check(raw.sqlite3_bind_text(_statement, index, value));
    }

    /// <summary>Binds an instant as the store writes it everywhere (round-trip "O" format, UTC).</summary>
    public void Instant(int index, DateTimeOffset value)
    {
        Span<byte> text = stackalloc byte[40];
        if (!value.ToUniversalTime().TryFormat(text, out var length, "O", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("An instant did not fit its buffer.");
        }

        Check(raw.sqlite3_bind_text(_statement, index, text[..length]));
    }

    /// <summary>Binds an instant, or NULL.</summary>
    public void Instant(int index, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            Instant(index, v);
        }
        else
        {
            Check(raw.sqlite3_bind_null(_statement, index));
        }
    }

    /// <summary>Binds NULL.</summary>
    public void Null(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Binds an integer.</summary>
    public void Integer(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Runs the statement to completion and resets it for the next row (its bindings stay until rebound).</summary>
    public void Run()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                throw new InvalidOperationException("A write statement returned a row.");
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>The rows the last statement run on this connection changed.</summary>
    public int Changes => raw.sqlite3_changes(_db);

    /// <summary>Finalizes the statement.</summary>
    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
