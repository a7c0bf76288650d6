using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Sync;

public sealed class RecordMapperTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static CrmRecord Deal(Dictionary<string, string?> properties, bool archived = false) =>
        new("42", properties, At.AddDays(-1), At, archived, archived ? At : null);

    [Fact]
    public void Map_Deal_KeepsRawValuesOfEveryMappedPropertyAndTypesTheInboundOnes()
    {
        var properties = SeedPortal.Deal(0);
        properties["hs_lastmodifieddate"] = "ignored";

        var mapped = RecordMapper.Map(Deal(properties), TestMappings.Default.For(EntityKind.Deal)!);

        Assert.Equal(LedgerStatus.InSync, mapped.Status);
        Assert.Equal(TestMappings.Default.For(EntityKind.Deal)!.StoredProperties, mapped.Record.Properties.Keys);
        Assert.Equal("10000.50", mapped.Record.Properties["amount"]);
        Assert.Null(mapped.Record.Properties["delivery_health"]);
        Assert.Equal("2026-03-10T12:00:00.000Z", mapped.Record.LocalValues["close_date"]);
        Assert.DoesNotContain("delivery_health", mapped.Record.LocalValues.Keys);
    }

    [Fact]
    public void Map_SameContent_SameHash_AnyChange_OtherHash()
    {
        var mapping = TestMappings.Default.For(EntityKind.Deal)!;
        var a = RecordMapper.Map(Deal(SeedPortal.Deal(1)), mapping);
        var b = RecordMapper.Map(Deal(SeedPortal.Deal(1)) with { UpdatedAt = At.AddHours(1) }, mapping);
        var changed = SeedPortal.Deal(1);
        changed["amount"] = "1";
        var empty = SeedPortal.Deal(1);
        empty["amount"] = "";

        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, RecordMapper.Map(Deal(changed), mapping).ContentHash);
        Assert.NotEqual(a.ContentHash, RecordMapper.Map(Deal(SeedPortal.Deal(1), archived: true), mapping).ContentHash);
        Assert.NotEqual(RecordMapper.Map(Deal(empty), mapping).ContentHash, RecordMapper.Map(Deal(changed.Where(p => p.Key != "amount").ToDictionary()), mapping).ContentHash);
    }

    [Fact]
    public void Map_TwoBadValues_FailingWithBothReasons()
    {
        var properties = SeedPortal.Deal(0);
        properties["amount"] = "n/a";
        properties["closedate"] = "soon";

        var mapped = RecordMapper.Map(Deal(properties), TestMappings.Default.For(EntityKind.Deal)!);

        Assert.Equal(LedgerStatus.Failing, mapped.Status);
        Assert.Equal("amount → amount (money): 'n/a' is not a number; closedate → close_date (datetime): 'soon' is not a date-time", mapped.Reason);
        Assert.Null(mapped.Record.LocalValues["amount"]);
        Assert.Equal("n/a", mapped.Record.Properties["amount"]);
    }
}
