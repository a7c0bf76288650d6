using System.Net;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Commands;
using HubSpotPmoSync.Worker.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HubSpotPmoSync.Worker.Tests.Http;

/// <summary>
/// <c>run</c>'s host as built for the command, over a copy of the demo's database, on a fake clock: /healthz answers,
/// /readyz is ready while the last successful cycle is within 2 periods and names what fails after, and the
/// operations endpoints keep other machines out like every page.
/// </summary>
public sealed class OperationsEndpointsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-operations-");

    [Fact]
    public async Task Readyz_LastCycleOlderThanTwoPeriods_Unready503NamingTheCycle_HealthzStaysAlive()
    {
        var overrides = await DemoCopyAsync();
        var database = new SqliteDatabase(new StorageOptions { DatabasePath = overrides["Storage:DatabasePath"]! });
        var lastCycle = SqliteProbe.Read(database).LastSucceededRun!.Value;
        var clock = new FakeTimeProvider(lastCycle + TimeSpan.FromMinutes(1));

        using var host = RunCommand.BuildHost(new CommandEnvironment(TextWriter.Null, TextWriter.Null, overrides, clock));
        await host.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = Address(host) };

            var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
            Assert.Equal("no-store, no-cache", ready.Headers.CacheControl!.ToString());

            // Schedule:IncrementalEvery is an hour: 2 hours and a minute after the last success, the cycle is late.
            clock.Advance(TimeSpan.FromHours(2));
            var late = await client.GetAsync("/readyz");
            var body = await late.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
            Assert.StartsWith("unready\n", body, StringComparison.Ordinal);
            Assert.Contains("cycle: the last cycle succeeded 2 h 1 min ago, more than 2 × Schedule:IncrementalEvery = 2 h", body, StringComparison.Ordinal);
            Assert.DoesNotContain("database:", body, StringComparison.Ordinal);

            var alive = await client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.Equal("alive\n", await alive.Content.ReadAsStringAsync());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task OperationsEndpoints_FromAnotherMachine_NeedTheCredentialLikeEveryPage()
    {
        var overrides = await DemoCopyAsync();
        overrides["Http:Password"] = "correct horse battery";
        using var host = RunCommand.BuildHost(new CommandEnvironment(TextWriter.Null, TextWriter.Null, overrides));
        await host.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = Address(host) };
            foreach (var path in new[] { "/healthz", "/readyz", "/metrics" })
            {
                using var proxied = new HttpRequestMessage(HttpMethod.Get, path);
                proxied.Headers.Add("X-Forwarded-For", "198.51.100.4");
                Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(proxied)).StatusCode);

                using var signedIn = new HttpRequestMessage(HttpMethod.Get, path);
                signedIn.Headers.Add("X-Forwarded-For", "198.51.100.4");
                signedIn.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String("probe:correct horse battery"u8.ToArray()));
                var answer = await client.SendAsync(signedIn);
                Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{path}: {answer.StatusCode}");
            }

            var metrics = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static Uri Address(IHost host) =>
        new(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>The demo's database copied here, with a HubSpot nobody answers on (the scheduled cycle fails and records no success).</summary>
    private async Task<Dictionary<string, string?>> DemoCopyAsync()
    {
        var demo = await DemoRun.InProcessAsync();
        Assert.True(demo.Code == 0, demo.Error);
        var database = Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N") + ".db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var source = Path.Combine(demo.Folder, "demo.db" + suffix);
            if (File.Exists(source))
            {
                File.Copy(source, database + suffix);
            }
        }

        return new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["HubSpot:MaxRetryAttempts"] = "0",
            ["Storage:DatabasePath"] = database,
            ["Schedule:IncrementalEvery"] = "01:00:00",
            ["Schedule:ReconcileCron"] = "0 0 2 1 1 ? 2099",
            ["Http:Urls"] = "http://127.0.0.1:0",
        };
    }
}
