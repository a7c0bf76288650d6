using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Issue 16's rounds: the changes HubSpot's modification time does not show. Archives (HubSpot leaves
/// <c>hs_lastmodifieddate</c> as it was), restores from the recycle bin (the emulator's control API, as a person does
/// in the UI; the modification time stays), merges through <c>POST …/merge</c>, and links added or removed between two
/// records neither of which is edited.
/// </summary>
internal sealed partial class CrmChurn
{
    private static readonly (string From, string To)[] LinkedPairs =
        [("deals", "companies"), ("tickets", "companies"), ("deals", "tickets"), ("projects", "deals"), ("projects", "companies"), ("projects", "tickets")];

    private readonly HashSet<string> _mergedAway = new(StringComparer.Ordinal);

    /// <summary>Merges, archives, restores and untouched link changes this churn made so far.</summary>
    public (int Merges, int Archives, int Restores, int LinkChanges) Unseen { get; private set; }

    /// <summary>
    /// One round from the emulator's current <paramref name="state"/>: <paramref name="merges"/> merges of two live
    /// records of a type, <paramref name="archives"/> archives, <paramref name="restores"/> restores of records archived
    /// earlier (never a merged-away one), and <paramref name="linkChanges"/> links added or removed between live records
    /// that are otherwise left alone.
    /// </summary>
    public async Task CompletenessRoundAsync(EmulatorState state, int merges, int archives, int restores, int linkChanges)
    {
        var live = state.Objects.ToDictionary(o => o.Key, o => o.Value.Where(r => !r.Archived).Select(r => r.Id).ToList(), StringComparer.Ordinal);
        var archivedBefore = state.Objects.SelectMany(o => o.Value.Where(r => r.Archived && !_mergedAway.Contains(r.Id)).Select(r => (Type: o.Key, r.Id))).ToList();
        string[] types = ["companies", "deals", "deals", "tickets", "tickets", "projects"];
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var (m, a, r, l) = Unseen;

        for (var i = 0; i < merges; i++)
        {
            var type = Pick(types);
            var primary = PickUntouched(live[type], touched);
            var merged = PickUntouched(live[type], touched);
            await SendAsync(HttpMethod.Post, $"/crm/v3/objects/{type}/merge", new { primaryObjectId = primary, objectIdToMerge = merged });
            live[type].Remove(merged);
            _mergedAway.Add(merged);
            m++;
        }

        for (var i = 0; i < archives; i++)
        {
            var type = Pick(types);
            var id = PickUntouched(live[type], touched);
            await SendAsync(HttpMethod.Delete, $"/crm/v3/objects/{type}/{id}");
            live[type].Remove(id);
            a++;
        }

        foreach (var (type, id) in archivedBefore.OrderBy(_ => _random.Next()).Take(restores))
        {
            emulator.Control.RestoreRecord(type, id);
            live[type].Add(id);
            touched.Add(id);
            r++;
        }

        for (var i = 0; i < linkChanges; i++)
        {
            var (from, to) = Pick(LinkedPairs);
            var fromId = PickUntouched(live[from], touched);
            var existing = state.Associations.FirstOrDefault(x => x.FromType == from && x.FromId == fromId && x.ToType == to && live[to].Contains(x.ToId) && !touched.Contains(x.ToId));
            if (existing is not null && _random.Next(2) == 0)
            {
                await SendAsync(HttpMethod.Delete, $"/crm/v4/objects/{from}/{fromId}/associations/{to}/{existing.ToId}");
                touched.Add(existing.ToId);
            }
            else
            {
                var toId = PickUntouched(live[to], touched);
                await SendAsync(HttpMethod.Put, $"/crm/v4/objects/{from}/{fromId}/associations/default/{to}/{toId}");
            }

            l++;
        }

        Unseen = (m, a, r, l);
    }

    // A live record no other change of this round touched, so each change stands alone (a merge never swallows a record
    // whose link was just changed, a restore never meets an archive of the same record).
    private string PickUntouched(List<string> ids, HashSet<string> touched)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = Pick(ids);
            if (touched.Add(id) || attempt > 1000)
            {
                return id;
            }
        }
    }
}
