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

        Assert.Equal(("Property values were not valid", "VALIDATION_ERROR", "8a3f", (string?)null, "s"), (body.Message, body.Category, body.CorrelationId, body.PolicyName, body.SubCategory));
        var detail = Assert.Single(body.Errors);
        Assert.Equal(("x", (string?)null), (detail.Message, detail.Code));
        Assert.Empty(detail.PropertyNames);
    }

    /// <summary>API-FACTS.md §3's standard error body: errors[] with a code and the property in its context.</summary>
    [Fact]
    public void Parse_ErrorsWithCodesAndPropertyNames_NamesThePropertiesNoInputCanWrite()
    {
        var body = HubSpotErrorBody.Parse(Encoding.UTF8.GetBytes("""
            {"status":"error","message":"Property values were not valid: [...]","correlationId":"8a3f6c3a","category":"VALIDATION_ERROR",
             "errors":[{"message":"Property \"x\" does not exist","code":"PROPERTY_DOESNT_EXIST","context":{"propertyName":["x"]}},
                       {"message":"\"hs_object_id\" is a read only property; its value cannot be set.","code":"READ_ONLY_VALUE","context":{"propertyName":["hs_object_id"],"other":[1]}},
                       {"message":"1,5 is not a number","code":"INVALID_INTEGER","context":{"propertyName":["amount"]}},
                       "not an object", {"code":"PROPERTY_DOESNT_EXIST"}],
             "context":{"a":["b"]}}
            """));

        Assert.Equal(["x", "hs_object_id", "amount"], body.Errors.Take(3).Select(e => Assert.Single(e.PropertyNames)));
        Assert.Equal(
            new Dictionary<string, string> { ["x"] = "Property \"x\" does not exist", ["hs_object_id"] = "\"hs_object_id\" is a read only property; its value cannot be set." },
            body.UnwritableProperties());
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
