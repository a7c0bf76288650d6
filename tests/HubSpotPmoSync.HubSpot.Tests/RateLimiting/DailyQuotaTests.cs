using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot.Tests.RateLimiting;

public sealed class DailyQuotaTests
{
    [Fact]
    public void TakeOne_NoReportYet_Allows()
    {
        var quota = new DailyQuota(0.5, 1000);

        quota.TakeOne();

        Assert.Null(quota.EstimatedRemaining);
    }

    [Fact]
    public void TakeOne_ShareUsedUp_ThrowsNamingTheSetting()
    {
        var quota = new DailyQuota(0.5, null);
        quota.Report(limit: 1000, remaining: 502);
        quota.TakeOne();
        quota.TakeOne();

        var error = Assert.Throws<CrmQuotaExceededException>(quota.TakeOne);

        Assert.Contains("HubSpot:DailyQuotaShare", error.Message, StringComparison.Ordinal);
        Assert.Equal(500, quota.EstimatedRemaining);
    }

    [Fact]
    public void Report_PortalResetAfterMidnight_AllowsAgain()
    {
        var quota = new DailyQuota(0.5, null);
        Assert.True(quota.Report(1000, 400));
        Assert.Throws<CrmQuotaExceededException>(quota.TakeOne);

        Assert.False(quota.Report(1000, 1000));

        quota.TakeOne();
    }

    [Fact]
    public void Floor_IsTheShareLeftToOtherIntegrations()
    {
        var quota = new DailyQuota(0.8, 625_000);

        Assert.Equal(125_000, quota.Floor);
    }
}
