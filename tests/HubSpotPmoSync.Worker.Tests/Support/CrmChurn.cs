using System.Globalization;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Random traffic through the HubSpot API over HTTP (batch create with associations, batch update, batch archive,
/// v4 association PUT default / DELETE), as other integrations and people would produce it between two syncs. The
/// emulator does not change a record's <c>hs_lastmodifieddate</c> when only its links change (checked by
/// <see cref="LinkChangeBumpsModified"/>), so each association change also edits the record on one of its two ends,
/// as a person would when re-linking a record.
/// </summary>
internal sealed partial class CrmChurn(EmulatorFixture emulator, int seed)
{
    private static readonly string[] Owners = ["70000001", "70000002", "70000003", "70000004", "70000005", "70000006"];
    private static readonly string[] DealStages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];
    private static readonly string[] Priorities = ["LOW", "MEDIUM", "HIGH", "URGENT"];
    private static readonly string[] ProjectStatuses = ["planned", "active", "on_hold", "completed", "cancelled"];
    private readonly Random _random = new(seed);
    private int _serial;
    private Dictionary<string, List<string>> _live = [];
    private int _updates;

    public int Writes { get; private set; }

    /// <summary>
    /// One round's archives, creates and association changes on every object type, from the emulator's current
    /// <paramref name="state"/>; <see cref="UpdatesAsync"/> sends its updates.
    /// </summary>
    public async Task RoundAsync(EmulatorState state, int round, int creates, int updates, int archives, int linkChanges)
    {
        var live = state.Objects.ToDictionary(o => o.Key, o => o.Value.Where(r => !r.Archived).Select(r => r.Id).ToList(), StringComparer.Ordinal);
        var companies = live["companies"];

        // Archives first (the record's links go with it in HubSpot's reads); live ids stay valid for the rest, which
        // never touches an archived record.
        foreach (var group in RandomIds(live, archives).GroupBy(i => i.Type))
        {
            var ids = group.Select(i => i.Id).Distinct().ToList();
            await BatchAsync(group.Key, "archive", ids.Select(id => (object)new { id }));
            live[group.Key].RemoveAll(ids.Contains);
        }

        // Creates, with links.
        await BatchAsync("companies", "create", Enumerable.Range(0, creates).Select(_ => (object)new
        {
            properties = new Dictionary<string, string> { ["name"] = Text("Company"), ["domain"] = $"e2e-{round}-{Next()}.example.com" },
        }));
        await BatchAsync("deals", "create", Enumerable.Range(0, creates).Select(_ => (object)new
        {
            properties = DealValues(),
            associations = new[] { Link(Pick(companies), 341) },
        }));
        await BatchAsync("tickets", "create", Enumerable.Range(0, creates).Select(_ => (object)new
        {
            properties = new Dictionary<string, string> { ["subject"] = Text("Ticket"), ["hs_pipeline"] = "0", ["hs_pipeline_stage"] = "1", ["hs_ticket_priority"] = Pick(Priorities) },
            associations = new[] { Link(Pick(companies), 339) },
        }));
        await BatchAsync("projects", "create", Enumerable.Range(0, Math.Max(1, creates / 4)).Select(_ => (object)new
        {
            properties = new Dictionary<string, string>
            {
                ["hs_name"] = Text("Project"),
                ["project_code"] = $"E2E-{seed}-{round}-{Next()}",
                ["hs_pipeline"] = "default",
                ["hs_pipeline_stage"] = "planned",
                ["project_status"] = "planned",
                ["project_budget"] = Amount(),
                ["project_currency"] = "EUR",
            },
        }));

        // Association changes: a new link or a removed one, and an edit on one of its two ends.
        for (var i = 0; i < linkChanges; i++)
        {
            var (from, to) = _random.Next(3) switch
            {
                0 => ("deals", "companies"),
                1 => ("tickets", "deals"),
                _ => ("projects", "deals"),
            };
            var fromId = Pick(live[from]);
            var toId = Pick(live[to]);
            if (_random.Next(3) == 0)
            {
                var existing = state.Associations.FirstOrDefault(a => a.FromType == from && a.FromId == fromId && a.ToType == to && live[to].Contains(a.ToId));
                if (existing is not null)
                {
                    await SendAsync(HttpMethod.Delete, $"/crm/v4/objects/{from}/{fromId}/associations/{to}/{existing.ToId}");
                    toId = existing.ToId;
                }
            }
            else
            {
                await SendAsync(HttpMethod.Put, $"/crm/v4/objects/{from}/{fromId}/associations/default/{to}/{toId}");
            }

            var (touchType, touchId) = _random.Next(2) == 0 ? (from, fromId) : (to, toId);
            if (!live[touchType].Contains(touchId))
            {
                (touchType, touchId) = (from, fromId);
            }

            await BatchAsync(touchType, "update", [new { id = touchId, properties = UpdateValues(touchType) }]);
        }

        _live = live;
        _updates = updates;
    }

    /// <summary>
    /// The round's updates of mapped values, sent while the raced sync starts (it cannot see them yet, or sees their
    /// previous version: the search index lags).
    /// </summary>
    public async Task UpdatesAsync()
    {
        foreach (var group in RandomIds(_live, _updates).GroupBy(i => i.Type))
        {
            await BatchAsync(group.Key, "update", group.Select(i => i.Id).Distinct().Select(id => (object)new { id, properties = UpdateValues(group.Key) }));
        }
    }

    /// <summary>Whether linking two records changes either record's modification time in the emulator.</summary>
    public async Task<bool> LinkChangeBumpsModified()
    {
        var state = emulator.Control.ExportState();
        var deal = state.Objects["deals"].First(r => !r.Archived);
        var company = state.Objects["companies"].Last(r => !r.Archived);
        await SendAsync(HttpMethod.Put, $"/crm/v4/objects/deals/{deal.Id}/associations/default/companies/{company.Id}");
        var after = emulator.Control.ExportState();
        var deal2 = after.Objects["deals"].Single(r => r.Id == deal.Id);
        var company2 = after.Objects["companies"].Single(r => r.Id == company.Id);
        return deal2.UpdatedAt != deal.UpdatedAt || company2.UpdatedAt != company.UpdatedAt;
    }

    private List<(string Type, string Id)> RandomIds(Dictionary<string, List<string>> live, int count)
    {
        string[] types = ["companies", "deals", "deals", "tickets", "tickets", "tickets", "projects"];
        var picked = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var type = Pick(types);
            picked.Add((type, Pick(live[type])));
        }

        return picked;
    }

    private Dictionary<string, string> DealValues() => new()
    {
        ["dealname"] = Text("Deal"),
        ["amount"] = Amount(),
        ["deal_currency_code"] = "EUR",
        ["pipeline"] = "default",
        ["dealstage"] = Pick(DealStages),
        ["closedate"] = "2027-03-01T00:00:00.000Z",
        ["hubspot_owner_id"] = Pick(Owners),
    };

    private Dictionary<string, string> UpdateValues(string type) => type switch
    {
        "companies" => new() { ["name"] = Text("Company") },
        "deals" => _random.Next(2) == 0
            ? new() { ["amount"] = Amount(), ["dealstage"] = Pick(DealStages) }
            : new() { ["dealname"] = Text("Deal"), ["hubspot_owner_id"] = Pick(Owners) },
        "tickets" => new() { ["subject"] = Text("Ticket"), ["hs_ticket_priority"] = Pick(Priorities) },
        _ => new() { ["project_percent_complete"] = _random.Next(0, 101).ToString(CultureInfo.InvariantCulture), ["project_status"] = Pick(ProjectStatuses) },
    };

    private static object Link(string toId, int typeId) => new
    {
        to = new { id = toId },
        types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = typeId } },
    };

    private async Task BatchAsync(string type, string operation, IEnumerable<object> inputs)
    {
        foreach (var chunk in inputs.Chunk(100))
        {
            await SendAsync(HttpMethod.Post, $"/crm/v3/objects/{type}/batch/{operation}", new { inputs = chunk });
        }
    }

    // The round's updates go out while the sync runs, so they meet the faults injected for it: they are retried
    // (an update repeated with the same values changes nothing).
    private async Task SendAsync(HttpMethod method, string path, object? body = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            EmulatorResponse response;
            try
            {
                response = await emulator.SendAsync(method, path, body);
            }
            catch (Exception e) when (attempt < 20 && e is HttpRequestException or IOException or System.Text.Json.JsonException or TaskCanceledException)
            {
                continue;
            }

            if ((response.Status == 429 || response.Status >= 500) && attempt < 20)
            {
                await Task.Delay(20);
                continue;
            }

            if (response.Status >= 300)
            {
                throw new InvalidOperationException($"{method} {path}: {response}");
            }

            Writes++;
            return;
        }
    }

    private string Text(string kind) => $"{kind} e2e {Next()} {(char)('a' + _random.Next(26))}";

    private string Amount() => (_random.Next(100, 5_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private int Next() => ++_serial;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
