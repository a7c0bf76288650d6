using System.Text;
using HubSpotPmoSync.Worker.Webhooks;

namespace HubSpotPmoSync.Worker.Tests.Webhooks;

/// <summary>HubSpot's signatures against the test vectors of API-FACTS §12 (secret yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy).</summary>
public sealed class HubSpotSignatureTests
{
    private const string Secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string Uri = "https://www.example.com/webhook_uri";
    private static readonly byte[] ExampleBody = Encoding.UTF8.GetBytes("{\"example_field\":\"example_value\"}");

    [Fact]
    public void V1_DocsVector_Matches()
    {
        var body = Encoding.UTF8.GetBytes("[{\"eventId\":1,\"subscriptionId\":12345,\"portalId\":62515,\"occurredAt\":1564113600000,\"subscriptionType\":\"contact.creation\",\"attemptNumber\":0,\"objectId\":123,\"changeSource\":\"CRM\",\"changeFlag\":\"NEW\",\"appId\":54321}]");

        Assert.Equal("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", HubSpotSignature.V1(Secret, body));
    }

    [Fact]
    public void V2_DocsVectors_Match()
    {
        Assert.Equal("eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e", HubSpotSignature.V2(Secret, "GET", Uri, []));
        Assert.Equal("9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900", HubSpotSignature.V2(Secret, "POST", Uri, ExampleBody));
    }

    [Fact]
    public void V3_Vector_MatchesAndVerifies()
    {
        const string expected = "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=";

        Assert.Equal(expected, HubSpotSignature.V3(Secret, "POST", Uri, ExampleBody, "1700000000000"));
        Assert.True(HubSpotSignature.VerifyV3(Secret, "POST", Uri, ExampleBody, "1700000000000", expected));
    }

    [Theory]
    [InlineData("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyz", "POST", Uri, "{\"example_field\":\"example_value\"}", "1700000000000")]
    [InlineData(Secret, "PUT", Uri, "{\"example_field\":\"example_value\"}", "1700000000000")]
    [InlineData(Secret, "POST", "https://www.example.com/webhook_uri?x=1", "{\"example_field\":\"example_value\"}", "1700000000000")]
    [InlineData(Secret, "POST", Uri, "{\"example_field\":\"example_valuf\"}", "1700000000000")]
    [InlineData(Secret, "POST", Uri, "{\"example_field\":\"example_value\"}", "1700000000001")]
    public void VerifyV3_AnyPartChanged_Fails(string secret, string method, string uri, string body, string timestamp) =>
        Assert.False(HubSpotSignature.VerifyV3(secret, method, uri, Encoding.UTF8.GetBytes(body), timestamp, "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o="));

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o")]
    [InlineData("rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=AAAA")]
    public void VerifyV3_MalformedSignature_Fails(string signature) =>
        Assert.False(HubSpotSignature.VerifyV3(Secret, "POST", Uri, ExampleBody, "1700000000000", signature));

    [Fact]
    public void DecodeUri_DecodesTheListedEscapesOnly()
    {
        Assert.Equal(
            "https://example.com/hook?a=b:c/d?e@f!g$h'i(j)k*l,m;n%20o%26p",
            HubSpotSignature.DecodeUri("https://example.com/hook?a=b%3Ac%2Fd%3fe%40f%21g%24h%27i%28j%29k%2Al%2Cm%3Bn%20o%26p"));
    }

    [Fact]
    public void V3_EncodedUri_SignsTheDecodedForm() =>
        Assert.Equal(
            HubSpotSignature.V3(Secret, "POST", "https://example.com/hook?next=a:b", ExampleBody, "1"),
            HubSpotSignature.V3(Secret, "POST", "https://example.com/hook?next=a%3Ab", ExampleBody, "1"));
}
