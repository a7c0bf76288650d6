using System.Collections.Concurrent;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Emulator.Tests;

/// <summary>Issue point 10: safe under parallel clients (the 1M-object capacity is measured by the benchmark).</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ParallelClients_WritingReadingAndSearching_LoseNothing()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.Seed = "scale:500");
        var ids = new ConcurrentBag<string>();
        var errors = new ConcurrentBag<string>();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var client = emu.CreateClient(emu.Options.Token);
            for (var i = 0; i < 25; i++)
            {
                var r = await EmulatorFixture.SendAsync(client, HttpMethod.Post, "/crm/v3/objects/deals/batch/create",
                    new { inputs = Enumerable.Range(0, 4).Select(j => new { properties = Http.Deal($"w{w}-{i}-{j}") }) });
                if (r.Status != 201)
                {
                    errors.Add(r.ToString());
                    continue;
                }

                foreach (var x in r.Results())
                {
                    ids.Add(x.Str("id"));
                }
            }
        }));
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var client = emu.CreateClient(emu.Options.Token);
            for (var i = 0; i < 20; i++)
            {
                var s = await EmulatorFixture.SendAsync(client, HttpMethod.Post, "/crm/v3/objects/deals/search", new { limit = 100 });
                var l = await EmulatorFixture.SendAsync(client, HttpMethod.Get, "/crm/v3/objects/deals?limit=100");
                if (s.Status != 200 || l.Status != 200)
                {
                    errors.Add(s + " / " + l);
                }
            }
        }));
        await Task.WhenAll(writers.Concat(readers));

        Assert.Empty(errors);
        Assert.Equal(800, ids.Distinct().Count());
        Assert.Equal(500 + 800, emu.Control.ExportState().Objects["deals"].Count);
    }
}
