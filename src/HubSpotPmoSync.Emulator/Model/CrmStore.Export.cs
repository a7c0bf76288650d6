using System.Globalization;

namespace HubSpotPmoSync.Emulator.Model;

internal sealed partial class CrmStore
{
    /// <summary>Export key of a type: the standard name, or a custom object's type id.</summary>
    public static string ExportKey(ObjectTypeDef t) => t.IsCustom ? t.ObjectTypeId : t.Name;

    /// <summary>Every record (archived ones included) and every stored association direction. Call under the read lock.</summary>
    public EmulatorState Export()
    {
        var objects = new Dictionary<string, IReadOnlyList<ExportedRecord>>(StringComparer.Ordinal);
        foreach (var t in _types.Where(t => !t.Archived))
        {
            var stored = t.Properties.Values.Where(p => !p.Archived).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var list = new List<ExportedRecord>(t.Records.Count);
            foreach (var r in t.Records)
            {
                var view = RecordView.Of(r);
                var props = new SortedDictionary<string, string?>(StringComparer.Ordinal);
                foreach (var p in stored)
                {
                    var v = Value(t, p, view);
                    if (v is not null || p.Slot >= 0 && r.Get(p.Slot) is not null)
                    {
                        props[p.Name] = v;
                    }
                }

                list.Add(new ExportedRecord(r.Id.ToString(CultureInfo.InvariantCulture), r.Archived,
                    DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt),
                    r.Archived ? DateTimeOffset.FromUnixTimeMilliseconds(r.ArchivedAt) : null, props));
            }

            objects[ExportKey(t)] = list;
        }

        var keyOf = new Dictionary<long, ObjectTypeDef>();
        var associations = new List<ExportedAssociation>(Associations.EntryCount);
        foreach (var (fromId, e) in Associations.All())
        {
            var toType = _types[e.ToKey];
            var fromType = AssocTypes.TryGetValue(e.TypeIds[0], out var def) ? _types[def.FromKey] : FindTypeOf(fromId, keyOf);
            associations.Add(new ExportedAssociation(ExportKey(fromType), fromId.ToString(CultureInfo.InvariantCulture),
                ExportKey(toType), e.ToId.ToString(CultureInfo.InvariantCulture), [.. e.TypeIds]));
        }

        associations.Sort((a, b) =>
        {
            var c = string.CompareOrdinal(a.FromType, b.FromType);
            c = c != 0 ? c : long.Parse(a.FromId, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.FromId, CultureInfo.InvariantCulture));
            c = c != 0 ? c : string.CompareOrdinal(a.ToType, b.ToType);
            return c != 0 ? c : long.Parse(a.ToId, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.ToId, CultureInfo.InvariantCulture));
        });
        return new EmulatorState(objects, associations);
    }

    private ObjectTypeDef FindTypeOf(long id, Dictionary<long, ObjectTypeDef> cache)
    {
        if (!cache.TryGetValue(id, out var t))
        {
            t = _types.First(x => x.Find(id) is not null);
            cache[id] = t;
        }

        return t;
    }
}
