using System.Globalization;
using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// What <c>hubspot-pmo-sync export</c> must print for an emulator state: every record of the mapped objects (archived
/// ones flagged, those a mapping filter excludes left out) with its mapped HubSpot values, and the links of the configured pairs as HubSpot's reads show them.
/// The emulator's state export keeps links that touch an archived record (HubSpot hides them from reads), so those are
/// left out here: the sync removes the links of an archived record, and a read never shows a link to one.
/// </summary>
internal static class EmulatorExpectation
{
    public static DeliveryExport Export(EmulatorState state, MappingSet mappings)
    {
        var records = new Dictionary<EntityKind, IReadOnlyList<ExportRecord>>();
        var live = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var mapping in mappings.Objects.Values.OrderBy(m => m.Kind))
        {
            var list = new List<ExportRecord>();
            var alive = new HashSet<string>(StringComparer.Ordinal);
            live[mapping.HubSpotObject] = alive;
            foreach (var r in state.Objects.TryGetValue(mapping.HubSpotObject, out var rs) ? rs : [])
            {
                // The mapping's HubSpot properties as HubSpot holds them (absent: null), worked out here rather than by
                // the sync's own mapper; a record a filter excludes is not exported.
                var properties = new SortedDictionary<string, string?>(StringComparer.Ordinal);
                foreach (var name in mapping.StoredProperties)
                {
                    properties[name] = r.Properties.TryGetValue(name, out var value) ? value : null;
                }

                if (mapping.Filters.Any(f => properties[f.Property] is not { } value || !f.In.Contains(value, StringComparer.Ordinal)))
                {
                    continue;
                }

                list.Add(new ExportRecord(r.Id, r.Archived, properties));
                if (!r.Archived)
                {
                    alive.Add(r.Id);
                }
            }

            records[mapping.Kind] = list.OrderBy(r => r.Id, DeliveryExportJson.IdComparer).ToList();
        }

        var associations = new List<ExportAssociation>();
        foreach (var pair in mappings.Associations)
        {
            var from = mappings.For(pair.From)!.HubSpotObject;
            var to = mappings.For(pair.To)!.HubSpotObject;
            associations.AddRange(state.Associations
                .Where(a => a.FromType == from && a.ToType == to && live[from].Contains(a.FromId) && live[to].Contains(a.ToId))
                .Select(a => new ExportAssociation(pair.From.Plural(), a.FromId, pair.To.Plural(), a.ToId, a.TypeIds.Order().ToList())));
        }

        return new DeliveryExport(
            records,
            associations.OrderBy(a => a.FromType, StringComparer.Ordinal)
                .ThenBy(a => a.FromId, DeliveryExportJson.IdComparer)
                .ThenBy(a => a.ToType, StringComparer.Ordinal)
                .ThenBy(a => a.ToId, DeliveryExportJson.IdComparer)
                .ToList());
    }

    /// <summary>
    /// Fails unless <paramref name="printed"/> (what <c>export</c> printed) is the expectation's JSON text, character for
    /// character (trailing white space aside); the failure names the records and links that differ.
    /// </summary>
    public static void AssertPrinted(string printed, DeliveryExport expected, string when)
    {
        var json = ExpectedExport.Json(expected);
        if (!json.AsSpan().TrimEnd().SequenceEqual(printed.AsSpan().TrimEnd()))
        {
            // Say which records or links differ rather than dumping two 46 MB texts.
            Xunit.Assert.Fail($"{when}: the store differs from HubSpot ({Counts(expected)} expected):\n" + string.Join("\n", Differences(printed, expected)));
        }
    }

    /// <summary>
    /// Compares the printed export with the expectation item by item and returns the differences (empty when equal),
    /// so a failure says which record or link is missing, extra or different rather than dumping 67k records.
    /// </summary>
    public static IReadOnlyList<string> Differences(string exportJson, DeliveryExport expected, int max = 25)
    {
        var actual = Lines(exportJson);
        var wanted = Lines(ExpectedExport.Json(expected));
        var differences = new List<string>();
        foreach (var (key, line) in wanted)
        {
            if (!actual.TryGetValue(key, out var got))
            {
                differences.Add("missing " + line);
            }
            else if (got != line)
            {
                differences.Add($"different {key}: expected {line} got {got}");
            }
        }

        differences.AddRange(actual.Where(a => !wanted.ContainsKey(a.Key)).Select(a => "extra " + a.Value));
        return differences.Count <= max ? differences : [.. differences.Take(max), $"… {differences.Count - max} more"];
    }

    /// <summary>A summary of an export: records, archived records and links.</summary>
    public static string Counts(DeliveryExport export) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{export.Records.Values.Sum(r => r.Count)} records ({export.Records.Values.Sum(r => r.Count(x => x.Archived))} archived), {export.Associations.Count} links");

    private static Dictionary<string, string> Lines(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in doc.RootElement.EnumerateObject())
        {
            foreach (var item in section.Value.EnumerateArray())
            {
                var key = section.Name == "associations"
                    ? $"link {item.GetProperty("fromType").GetString()}/{item.GetProperty("fromId").GetString()}->{item.GetProperty("toType").GetString()}/{item.GetProperty("toId").GetString()}"
                    : $"{section.Name}/{item.GetProperty("id").GetString()}";
                lines[key] = key + " " + Canonical(item);
            }
        }

        return lines;
    }

    private static string Canonical(JsonElement element)
    {
        var text = new StringBuilder();
        Write(element, text);
        return text.ToString();
    }

    private static void Write(JsonElement e, StringBuilder text)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    text.Append(p.Name).Append(':');
                    Write(p.Value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                foreach (var item in e.EnumerateArray())
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                text.Append(e.GetRawText());
                break;
        }
    }
}
