using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.Testing.Http;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot.Tests.Http;

public sealed class HubSpotAuthHandlerTests
{
    [Fact]
    public async Task SendAsync_AddsBearerToken()
    {
        var stub = new StubHttpMessageHandler((_, _) => Responses.Ok());
        using var invoker = new HttpMessageInvoker(new HubSpotAuthHandler(Options.Create(new HubSpotOptions { AccessToken = "pat-na1-abc" })) { InnerHandler = stub });

        using var _ = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://x/"), CancellationToken.None);

        Assert.Equal("Bearer pat-na1-abc", stub.Requests.Single().Authorization);
    }
}
