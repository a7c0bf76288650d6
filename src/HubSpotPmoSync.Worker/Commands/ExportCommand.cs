using System.CommandLine;
using System.Globalization;
using CsvHelper;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>export [--format json|csv] [--object T]</c>: the local model as HubSpot would show it (DESIGN.md). JSON is
/// <c>{"companies":[…],"deals":[…],"tickets":[…],"projects":[…],"associations":[…]}</c>. CSV is one table: with
/// <c>--object T</c> a row per record (id, archived, then one column per mapped property); without, one row per
/// record property (object, id, archived, property, value); <c>--object associations</c> lists the links.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var format = new Option<string>("--format") { Description = "json or csv.", DefaultValueFactory = _ => "json" };
        var obj = new Option<string?>("--object") { Description = "Only this object type: companies, deals, tickets, projects, or associations (the links alone)." };
        var command = new Command("export", "Print the local model as HubSpot would show it (ids, archived flags, mapped values, associations).")
        {
            format, obj,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var fmt = ObjectKindOption.ParseFormat(parse.GetValue(format), "json", "csv");
            var objectName = parse.GetValue(obj);
            var associationsOnly = string.Equals(objectName, "associations", StringComparison.OrdinalIgnoreCase);
            var kind = associationsOnly ? null : ObjectKindOption.Parse(objectName);

            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Storage).Build();
            await ExistingDatabase.RequireAsync(host.Services, cancellationToken);
            var store = host.Services.GetRequiredService<IDeliveryStore>();
            var export = await store.ExportAsync(kind is { } k ? [k] : null, cancellationToken);
            if (associationsOnly)
            {
                // The links of every object type, and no records: in JSON as in CSV.
                export = new DeliveryExport(new Dictionary<EntityKind, IReadOnlyList<ExportRecord>>(), export.Associations);
            }

            if (fmt == "json")
            {
                using var stdout = new MemoryStream();
                DeliveryExportJson.Write(export, stdout, indented: true);
                await env.Output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
                return ExitCodes.Success;
            }

            await using var csv = new CsvWriter(env.Output, CultureInfo.InvariantCulture, leaveOpen: true);
            if (associationsOnly)
            {
                WriteAssociations(csv, export);
            }
            else if (kind is { } single)
            {
                WriteWide(csv, export.Records.TryGetValue(single, out var rows) ? rows : []);
            }
            else
            {
                WriteLong(csv, export);
            }

            await csv.FlushAsync();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void WriteWide(CsvWriter csv, IReadOnlyList<ExportRecord> records)
    {
        var columns = records.SelectMany(r => r.Properties.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        csv.WriteField("id");
        csv.WriteField("archived");
        foreach (var c in columns)
        {
            csv.WriteField(c);
        }

        csv.NextRecord();
        foreach (var r in records)
        {
            csv.WriteField(r.Id);
            csv.WriteField(r.Archived ? "true" : "false");
            foreach (var c in columns)
            {
                csv.WriteField(r.Properties.TryGetValue(c, out var v) ? v : null);
            }

            csv.NextRecord();
        }
    }

    private static void WriteLong(CsvWriter csv, DeliveryExport export)
    {
        foreach (var h in new[] { "object", "id", "archived", "property", "value" })
        {
            csv.WriteField(h);
        }

        csv.NextRecord();
        foreach (var kind in EntityKinds.All)
        {
            if (!export.Records.TryGetValue(kind, out var records))
            {
                continue;
            }

            foreach (var r in records)
            {
                foreach (var (name, value) in r.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    csv.WriteField(kind.Plural());
                    csv.WriteField(r.Id);
                    csv.WriteField(r.Archived ? "true" : "false");
                    csv.WriteField(name);
                    csv.WriteField(value);
                    csv.NextRecord();
                }
            }
        }
    }

    private static void WriteAssociations(CsvWriter csv, DeliveryExport export)
    {
        foreach (var h in new[] { "from_type", "from_id", "to_type", "to_id", "type_ids" })
        {
            csv.WriteField(h);
        }

        csv.NextRecord();
        foreach (var a in export.Associations)
        {
            csv.WriteField(a.FromType);
            csv.WriteField(a.FromId);
            csv.WriteField(a.ToType);
            csv.WriteField(a.ToId);
            csv.WriteField(string.Join(';', a.TypeIds.Select(t => t.ToString(CultureInfo.InvariantCulture))));
            csv.NextRecord();
        }
    }
}
