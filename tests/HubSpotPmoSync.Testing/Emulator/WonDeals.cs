using System.Globalization;

namespace HubSpotPmoSync.Testing.Emulator;

/// <summary>Closed-won deals added to a running emulator through its HTTP API: the input of project kickoff.</summary>
public static class WonDeals
{
    /// <summary>The deal stage the seeds' default pipeline marks closed-won.</summary>
    public const string ClosedWon = "closedwon";

    /// <summary>
    /// Creates <paramref name="count"/> closed-won deals (100 a call), each associated (default type) with one of the
    /// portal's live companies in turn (the first <paramref name="companiesUsed"/> of them, or all); returns their ids.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AddAsync(EmulatorFixture emulator, int count, int? companiesUsed = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
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
}
