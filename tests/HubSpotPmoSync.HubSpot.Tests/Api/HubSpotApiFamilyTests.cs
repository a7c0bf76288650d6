using HubSpotPmoSync.HubSpot.Api;

namespace HubSpotPmoSync.HubSpot.Tests.Api;

public sealed class HubSpotApiFamilyTests
{
    [Theory]
    [InlineData("/crm/objects/2026-03/deals", "/crm/v3/objects/deals")]
    [InlineData("/crm/objects/2026-09/2-123/batch/upsert", "/crm/v3/objects/2-123/batch/upsert")]
    [InlineData("/crm/objects/2026-03/deals/search", "/crm/v3/objects/deals/search")]
    [InlineData("/crm/objects/2026-03/deals/12/associations/default/companies/34", "/crm/v4/objects/deals/12/associations/default/companies/34")]
    [InlineData("/crm/associations/2026-03/deals/companies/batch/read", "/crm/v4/associations/deals/companies/batch/read")]
    [InlineData("/crm/associations/2026-09/projects/deals/labels", "/crm/v4/associations/projects/deals/labels")]
    [InlineData("/crm/properties/2026-03/deals/groups", "/crm/v3/properties/deals/groups")]
    [InlineData("/crm/pipelines/2026-03/0-970", "/crm/v3/pipelines/0-970")]
    [InlineData("/crm-object-schemas/2026-03/schemas", "/crm-object-schemas/v3/schemas")]
    [InlineData("/account-info/2026-03/api-usage/daily/private-apps", "/account-info/v3/api-usage/daily/private-apps")]
    [InlineData("/proxy/crm/objects/2026-03/deals", "/proxy/crm/v3/objects/deals")]
    [InlineData("/crm/v3/objects/deals", "/crm/v3/objects/deals")]
    [InlineData("/oauth/v1/token", "/oauth/v1/token")]
    public void ToLegacy_DatedPath_MapsOntoTheNumericFamily(string dated, string legacy)
    {
        Assert.Equal(legacy, HubSpotApiFamily.ToLegacy(dated));
    }

    [Theory]
    [InlineData("2026-03", "POST /crm/objects/2026-03/{objectType}/batch/update")]
    [InlineData("2026-09", "POST /crm/objects/2026-09/{objectType}/batch/update")]
    [InlineData("legacy", "POST /crm/v3/objects/{objectType}/batch/update")]
    public void Route_IsTheTemplateOfTheFamilyCalled(string version, string route)
    {
        Assert.Equal(route, HubSpotApiFamily.Of(version).Route("POST", "/crm/objects/{version}/{objectType}/batch/update"));
    }
}
