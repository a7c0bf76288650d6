using System.Net;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Http;
using HubSpotPmoSync.Worker.Tests.Support;

namespace HubSpotPmoSync.Worker.Tests.Http;

/// <summary><c>Http:Urls</c> and <c>Http:Password</c>: what is accepted, and a bad value stops <c>run</c> with exit 2 naming the key.</summary>
public sealed class HttpHostOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-http-options-");

    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [InlineData("http://localhost:9000/", "127.0.0.1", 9000, true)]
    [InlineData("http://[::1]:0", "::1", 0, true)]
    [InlineData("http://0.0.0.0:8080", "0.0.0.0", 8080, false)]
    [InlineData("http://*:8080", "0.0.0.0", 8080, false)]
    [InlineData("http://192.0.2.10", "192.0.2.10", 80, false)]
    public void Endpoint_Parses(string url, string address, int port, bool loopback)
    {
        Assert.True(HttpEndpoint.TryParse(url, out var endpoint, out var error), error);
        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(loopback, endpoint.IsLoopback);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8443", "reverse proxy")]
    [InlineData("127.0.0.1:8080", "expected http://HOST:PORT")]
    [InlineData("http://example.com:8080", "host 'example.com'")]
    [InlineData("http://127.0.0.1:70000", "port 70000")]
    [InlineData("http://127.0.0.1:8080/pmo", "expected http://HOST:PORT")]
    public void Endpoint_Bad_SaysWhy(string url, string why)
    {
        Assert.False(HttpEndpoint.TryParse(url, out _, out var error));
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Loopback_Succeeds()
    {
        var result = new HttpHostOptionsValidator().Validate(null, new HttpHostOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(new[] { new HttpEndpoint(IPAddress.Loopback, 8080, "http://127.0.0.1:8080") }, new HttpHostOptions().Endpoints());
    }

    [Fact]
    public void Validate_BeyondLoopbackWithoutPassword_FailsNamingBothKeys()
    {
        var result = new HttpHostOptionsValidator().Validate(null, new HttpHostOptions { Urls = "http://127.0.0.1:8080;http://0.0.0.0:8081" });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Http:Urls binds http://0.0.0.0:8081 beyond loopback", failure, StringComparison.Ordinal);
        Assert.Contains("Http:Password is not set", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BeyondLoopbackWithPassword_Succeeds_AndAShortPasswordFailsWithoutShowingIt()
    {
        var ok = new HttpHostOptionsValidator().Validate(null, new HttpHostOptions { Urls = "http://*:8080", Password = "correct horse battery" });
        var tooShort = new HttpHostOptionsValidator().Validate(null, new HttpHostOptions { Urls = "http://*:8080", Password = "secret-pw" });

        Assert.True(ok.Succeeded, ok.FailureMessage);
        Assert.True(tooShort.Failed);
        Assert.Contains("Http:Password is too short", tooShort.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", tooShort.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblem()
    {
        var result = new HttpHostOptionsValidator().Validate(null, new HttpHostOptions { Urls = "https://127.0.0.1:1;http://pmo.example:80;ftp://x" });

        Assert.Equal(3, result.Failures!.Count());
        Assert.All(result.Failures!, f => Assert.StartsWith("Http:Urls: ", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://pmo.example:8080", "Http:Urls")]
    [InlineData("http://0.0.0.0:0", "Http:Password")]
    [InlineData(" ; ", "Http:Urls is empty")]
    public async Task Run_BadHttpSetting_Exits2NamingTheKeyBeforeAnythingStarts(string urls, string named)
    {
        var database = Path.Combine(_dir.FullName, "run.db");
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["Storage:DatabasePath"] = database,
            ["Http:Urls"] = urls,
        };

        var (code, _, error) = await InProcess.RunAsync(overrides, "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task Run_PortInUse_Exits2NamingHttpUrlsAndThePort_BeforeAnyCycle()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var database = Path.Combine(_dir.FullName, "run.db");
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["Storage:DatabasePath"] = database,
            ["Http:Urls"] = $"http://127.0.0.1:{port}",
        };

        var (code, _, error) = await InProcess.RunAsync(overrides, "run");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Http:Urls", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("address already in use", error, StringComparison.Ordinal);
        Assert.False(File.Exists(database));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
