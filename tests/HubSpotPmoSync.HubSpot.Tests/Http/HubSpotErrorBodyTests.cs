using System.Text;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot.Tests.Http;

public sealed class HubSpotErrorBodyTests
{
    [Fact]
    public void Parse_StandardError_ReadsTheFields()
    {
        var body = HubSpotErrorBody.Parse(Encoding.UTF8.GetBytes(
            """{"status":"error","message":"Property values were not valid","correlationId":"8a3f","category":"VALIDATION_ERROR","errors":[{"message":"x"}],"context":{"a":["b"]},"subCategory":"s"}"""));

        Assert.Equal(new HubSpotErrorBody("Property values were not valid", "VALIDATION_ERROR", "8a3f", null, "s"), body);
    }

    [Fact]
    public void RateLimitPolicy_SecondlyMessageWithoutPolicyName_IsSecondly()
    {
        var body = HubSpotErrorBody.Parse(Encoding.UTF8.GetBytes("""{"message":"You have reached your secondly limit.","errorType":"RATE_LIMIT"}"""));

        Assert.Equal(HubSpotRateLimitPolicy.Secondly, body.RateLimitPolicy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"message\":")]
    public void Parse_NotAnErrorObject_GivesEmpty(string text)
    {
        Assert.Equal(HubSpotErrorBody.Empty, HubSpotErrorBody.Parse(Encoding.UTF8.GetBytes(text)));
    }
}
