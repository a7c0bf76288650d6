using HubSpotPmoSync.Emulator.Api;

namespace HubSpotPmoSync.Emulator.Model;

internal sealed partial class CrmStore
{
    /// <summary>
    /// The control API's restore of a deleted (archived) property, as an admin does in HubSpot's settings: it is live
    /// again with the values records held (a unique property's index is rebuilt from them).
    /// </summary>
    public void RestoreProperty(string objectType, string name) => Write(() =>
    {
        var t = ResolveType(objectType);
        if (!t.Properties.TryGetValue(name, out var p) || !p.Archived)
        {
            throw ApiException.NotFound($"Property {name} is not archived");
        }

        p.Archived = false;
        p.ArchivedAt = null;
        p.UpdatedAt = Clock.NowMs;
        if (p.HasUniqueValue)
        {
            var index = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
            foreach (var r in t.Records.Where(r => !r.Archived && p.Slot < r.Values.Length && r.Values[p.Slot] is not null))
            {
                index.TryAdd(r.Values[p.Slot]!, r);
            }

            t.Unique[name] = index;
        }

        return 0;
    });
}
