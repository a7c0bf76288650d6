using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Storage.Postgres;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>storage copy --to-provider postgres --to-connection-string CS [--replace]</c>: moves the SQLite database at
/// <c>Storage:DatabasePath</c> into PostgreSQL, every table in one transaction on the target, so that the worker can
/// then run with <c>Storage:Provider=postgres</c>. The source's cycle lock is held throughout (no cycle writes while it
/// is read), and a target that holds data is refused unless <c>--replace</c> says to empty it.
/// </summary>
internal static class StorageCommand
{
    public static Command Create(CommandEnvironment env) =>
        new("storage", "Move the local delivery model between storage providers.") { Copy(env) };

    private static Command Copy(CommandEnvironment env)
    {
        var provider = new Option<string>("--to-provider") { Description = "The target provider: postgres.", Required = true };
        var connection = new Option<string>("--to-connection-string") { Description = "The target's Npgsql connection string (its password is never printed).", Required = true };
        var replace = new Option<bool>("--replace") { Description = "Empty a target that holds data first (otherwise it is refused)." };
        var command = new Command("copy", "Copy the SQLite database at Storage:DatabasePath into PostgreSQL, all tables in one transaction.")
        {
            provider, connection, replace,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            if (!string.Equals(parse.GetValue(provider)?.Trim(), StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
            {
                throw new UserInputException($"--to-provider '{parse.GetValue(provider)}' is not a target; storage copy copies into postgres.");
            }

            var target = parse.GetValue(connection)!;
            if (PostgresConnectionString.Problem(target) is { } problem)
            {
                throw new UserInputException(problem.Replace("Storage:ConnectionString", "--to-connection-string", StringComparison.Ordinal));
            }

            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Storage).Build();
            var options = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var source = new SqliteDatabase(new StorageOptions { DatabasePath = WorkerHost.ResolvePath(options.DatabasePath), BusyTimeout = options.BusyTimeout });
            if (!source.Exists)
            {
                throw new UserInputException($"no database at {source.DatabasePath} to copy — check Storage:DatabasePath");
            }

            var time = host.Services.GetRequiredService<TimeProvider>();
            using var held = await CycleLock.AcquireAsync(source, "storage copy", time.GetUtcNow(), cancellationToken);
            using var reader = source.Open();
            var tables = new List<string>();
            using (var list = reader.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name;";
                using var rows = list.ExecuteReader();
                while (rows.Read())
                {
                    tables.Add(rows.GetString(0));
                }
            }

            // One read transaction over the source: every table as of one moment.
            using var snapshot = reader.BeginTransaction(deferred: true);
            var report = await PostgresStorageCopy.CopyAsync(
                target,
                tables,
                (table, _) =>
                {
                    var select = reader.CreateCommand();
                    select.Transaction = snapshot;
                    select.CommandText = $"SELECT * FROM \"{table}\";";
                    return Task.FromResult<DbDataReader>(select.ExecuteReader());
                },
                parse.GetValue(replace),
                cancellationToken);
            var total = report.Tables.Sum(t => t.Rows);
            await env.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"copied {source.DatabasePath} into the PostgreSQL database {report.Target}: {total} rows in {report.Tables.Count} tables."));
            foreach (var (table, rows) in report.Tables)
            {
                await env.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {table,-22} {rows,9}"));
            }

            await env.Output.WriteLineAsync("run with Storage:Provider=postgres and Storage:ConnectionString set to use it.");
            return ExitCodes.Success;
        }));
        return command;
    }
}
