using System.Globalization;
using System.Net.Http;
using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>Test data added to the emulator through its HTTP API, and questions about its exported state.</summary>
internal static class PortalSeeding
{
    public const string ClosedWon = "closedwon";

    /// <summary>Creates <paramref name="count"/> closed-won deals, each associated (default type) with one of the portal's companies.</summary>
    public static async Task<IReadOnlyList<string>> AddWonDealsAsync(EmulatorFixture emulator, int count, int? companiesUsed = null)
    {
        var companies = emulator.Control.ExportState().Objects["companies"].Where(c => !c.Archived).Select(c => c.Id).Take(companiesUsed ?? int.MaxValue).ToList();
        var ids = new List<string>();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
        {
            var inputs = chunk.Select(i => new Dictionary<string, object?>
            {
                ["properties"] = new Dictionary<string, string>
                {
                    ["dealname"] = $"Won deal {i.ToString(CultureInfo.InvariantCulture)}",
                    ["pipeline"] = "default",
                    ["dealstage"] = ClosedWon,
                    ["amount"] = (10_000 + (i * 100)).ToString(CultureInfo.InvariantCulture),
                    ["deal_currency_code"] = "EUR",
                    ["closedate"] = "2026-01-15T00:00:00.000Z",
                },
                ["associations"] = new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["to"] = new Dictionary<string, string> { ["id"] = companies[i % companies.Count] },
                        ["types"] = new object[] { new Dictionary<string, object> { ["associationCategory"] = "HUBSPOT_DEFINED", ["associationTypeId"] = 5 } },
                    },
                },
            }).ToList();
            var response = await emulator.SendAsync(HttpMethod.Post, "/crm/v3/objects/deals/batch/create", new Dictionary<string, object> { ["inputs"] = inputs });
            if (response.Status != 201)
            {
                throw new InvalidOperationException("creating won deals failed: " + response);
            }

            ids.AddRange(response.Body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
        }

        return ids;
    }

    public static IEnumerable<ExportedRecord> Live(this EmulatorState state, string objectType) =>
        state.Objects.TryGetValue(objectType, out var records) ? records.Where(r => !r.Archived) : [];

    /// <summary>The ids <paramref name="fromId"/> is associated with among live records of <paramref name="toType"/>.</summary>
    public static IReadOnlyList<string> Linked(this EmulatorState state, string fromType, string fromId, string toType) =>
        EmulatorStateLinks.Of(state).Linked(fromType, fromId, toType);

    public static string? Prop(this ExportedRecord record, string name) => record.Properties.TryGetValue(name, out var v) ? v : null;
}
