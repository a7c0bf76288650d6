using System.Text.Json;
using HubSpotPmoSync.Testing;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// A WireMock server on 127.0.0.1 (a free port) answering with HubSpot's documented and observed shapes, read from the
/// JSON mapping files in <c>Contract/Mappings</c>, and the HubSpot client wired as in production
/// (<c>AddHubSpotClient</c>, real sockets) against it. The mappings are written from API-FACTS.md, not from the
/// emulator: the emulator and the client share no code, and neither do these files.
/// </summary>
internal sealed class WireMockHubSpot : IDisposable
{
    /// <summary>Timeouts far beyond any wait a test drives, so that a fake clock moved on while a real request is
    /// on the wire never times an attempt out.</summary>
    private static readonly Dictionary<string, string?> GenerousTimeouts = new()
    {
        ["HubSpot:AttemptTimeout"] = "01:00:00",
        ["HubSpot:TotalTimeout"] = "1.00:00:00",
    };

    private readonly WireMockServer _server;

    /// <param name="mappingFiles">File names under <c>Contract/Mappings</c> (each a JSON array of WireMock mappings).</param>
    /// <param name="settings">Extra <c>HubSpot:*</c> settings for the client.</param>
    public WireMockHubSpot(string[] mappingFiles, IDictionary<string, string?>? settings = null)
    {
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = ["http://127.0.0.1:0"],
            StartAdminInterface = false,
            ReadStaticMappings = false,
        });
        foreach (var file in mappingFiles)
        {
            _server.WithMapping(File.ReadAllText(MappingPath(file)));
        }

        var clientSettings = new Dictionary<string, string?>(GenerousTimeouts);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            clientSettings[key] = value;
        }

        Time = new FakeTimeProvider();
        Client = new HubSpotTestHost(primary: null, clientSettings, Time, new Uri(_server.Url!));
    }

    /// <summary>The client: <c>Client.Source</c>, <c>Client.Writer</c>, <c>Client.Usage</c>, <c>Client.Logs</c>.</summary>
    public HubSpotTestHost Client { get; }

    /// <summary>The client's clock; it moves only while a test drives a call (<see cref="HubSpotTestHost.DriveAsync{T}"/>).</summary>
    public FakeTimeProvider Time { get; }

    public Uri Url => new(_server.Url!);

    /// <summary>Every request the server received, in arrival order.</summary>
    public IReadOnlyList<ILogEntry> Requests => _server.LogEntries.OrderBy(e => e.RequestMessage?.DateTime).ToList();

    /// <summary>Requests that no mapping answered (WireMock says 404 "No matching mapping found").</summary>
    public IReadOnlyList<ILogEntry> Unmatched => Requests.Where(e => e.MappingGuid is null).ToList();

    public static string MappingPath(string file) => Path.Combine(AppContext.BaseDirectory, "Contract", "Mappings", file);

    /// <summary>The ids of a batch request's <c>inputs</c>, in order.</summary>
    public static IReadOnlyList<string> InputIds(ILogEntry entry)
    {
        using var body = JsonDocument.Parse(entry.RequestMessage?.Body ?? "{}");
        return body.RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>The requests to a path (exact, query excluded).</summary>
    public IReadOnlyList<ILogEntry> RequestsTo(string path) =>
        Requests.Where(e => string.Equals(e.RequestMessage?.Path, path, StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        Client.Dispose();
        _server.Stop();
        _server.Dispose();
    }
}
