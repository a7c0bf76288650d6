using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Api;

namespace HubSpotPmoSync.Emulator.Model;

internal sealed partial class CrmStore
{
    /// <summary>The control API's bulk update: many records, one timestamp, validated like an API write, applied atomically.</summary>
    public int BulkUpdate(string objectType, IReadOnlyDictionary<string, string?> properties, int? count, List<string>? ids, long? atMs) => Write(() =>
    {
        var t = ResolveType(objectType);
        var json = JsonSerializerHelpers.PropertiesElement(properties);
        List<CrmRecord> targets;
        if (ids is not null)
        {
            targets = [.. ids.Select(id => FindRecord(t, id, null, archived: false) ?? throw ApiException.NotFound($"{t.Singular} {id} does not exist"))];
        }
        else
        {
            targets = [.. t.Records.Where(r => !r.Archived).Take(count ?? int.MaxValue)];
        }

        var prepared = new List<(CrmRecord, List<PreparedValue>)>(targets.Count);
        foreach (var r in targets)
        {
            var values = PrepareProperties(t, json, r, isCreate: false);
            CheckUnique(t, values, r);
            prepared.Add((r, values));
        }

        var now = Clock.NowMs;
        var at = atMs ?? Math.Max(now, _lastWriteMs);
        if (at < _lastWriteMs)
        {
            throw ApiException.Validation(string.Create(CultureInfo.InvariantCulture,
                $"at ({JsonOut.Iso(at)}) is before the last write ({JsonOut.Iso(_lastWriteMs)}); modification dates only move forward."));
        }

        _lastWriteMs = at;
        foreach (var (r, values) in prepared)
        {
            BeforeIndexedChange(r, now);
            EmitPropertyChanges(t, r, values, at, "CRM");
            foreach (var pv in values)
            {
                if (pv.Property.HasUniqueValue)
                {
                    var index = t.Unique[pv.Property.Name];
                    if (r.Get(pv.Property.Slot) is { } old && index.TryGetValue(old, out var holder) && holder == r)
                    {
                        index.Remove(old);
                    }

                    if (pv.Value is not null)
                    {
                        index[pv.Value] = r;
                    }
                }

                r.Set(pv.Property.Slot, pv.Value);
            }

            r.UpdatedAt = at;
            AfterIndexedChange(r, now);
        }

        return prepared.Count;
    });
}

internal static class JsonSerializerHelpers
{
    public static JsonElement PropertiesElement(IReadOnlyDictionary<string, string?> properties)
    {
        var bytes = JsonOut.Write(w =>
        {
            w.WriteStartObject();
            foreach (var (k, v) in properties)
            {
                if (v is null)
                {
                    w.WriteNull(k);
                }
                else
                {
                    w.WriteString(k, v);
                }
            }

            w.WriteEndObject();
        });
        return JsonIn.Parse(bytes);
    }
}
