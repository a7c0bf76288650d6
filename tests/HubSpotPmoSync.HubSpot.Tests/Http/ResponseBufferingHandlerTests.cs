using System.Net;
using System.Text;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests.Http;

public sealed class ResponseBufferingHandlerTests
{
    private static HttpMessageInvoker CreateSut(Func<HttpResponseMessage> respond) =>
        new(new ResponseBufferingHandler { InnerHandler = new StubHttpMessageHandler((_, _) => respond()) });

    [Fact]
    public async Task SendAsync_CompleteJson_ReturnsBufferedAnswer()
    {
        using var invoker = CreateSut(() => StubHttpMessageHandler.Json(HttpStatusCode.OK, """{"results":[]}"""));

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://x/"), CancellationToken.None);

        Assert.Equal("""{"results":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_JsonCutShort_ThrowsTruncated()
    {
        using var invoker = CreateSut(() => StubHttpMessageHandler.Json(HttpStatusCode.OK, """{"results":[{"id":"1"""));

        await Assert.ThrowsAsync<TruncatedResponseException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://x/"), CancellationToken.None));
    }

    [Fact]
    public async Task SendAsync_BodyStreamFails_ThrowsTruncated()
    {
        using var invoker = CreateSut(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new FailingStream()) });

        await Assert.ThrowsAsync<TruncatedResponseException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://x/"), CancellationToken.None));
    }

    [Fact]
    public async Task SendAsync_NoContent_PassesThrough()
    {
        using var invoker = CreateSut(() => new HttpResponseMessage(HttpStatusCode.NoContent));

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://x/"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public void IsCompleteJson_Examples()
    {
        Assert.True(ResponseBufferingHandler.IsCompleteJson(Encoding.UTF8.GetBytes("""{"a":[1,2,{"b":null}]}""")));
        Assert.False(ResponseBufferingHandler.IsCompleteJson(Encoding.UTF8.GetBytes("""{"a":[1,2,{"b":nu""")));
    }

    private sealed class FailingStream : MemoryStream
    {
        public FailingStream()
            : base(Encoding.UTF8.GetBytes("{\"results\":"))
        {
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new IOException("connection reset");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("connection reset");
    }
}
