using System.Text;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Core.Tests.Sync;

public sealed class DeliveryExportJsonTests
{
    [Fact]
    public void Write_Export_DesignShapeInKindOrder()
    {
        var export = new DeliveryExport(
            new Dictionary<EntityKind, IReadOnlyList<ExportRecord>>
            {
                [EntityKind.Deal] = [new ExportRecord("9", false, new SortedDictionary<string, string?> { ["amount"] = null, ["dealname"] = "A & <B>" })],
                [EntityKind.Company] = [new ExportRecord("3", true, new SortedDictionary<string, string?> { ["name"] = "Zoë" })],
            },
            [new ExportAssociation("deals", "9", "companies", "3", [5, 341])]);
        using var stream = new MemoryStream();

        DeliveryExportJson.Write(export, stream);

        Assert.Equal(
            """{"companies":[{"id":"3","archived":true,"properties":{"name":"Zoë"}}],"deals":[{"id":"9","archived":false,"properties":{"amount":null,"dealname":"A & <B>"}}],"associations":[{"fromType":"deals","fromId":"9","toType":"companies","toId":"3","typeIds":[5,341]}]}""",
            Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void CompareIds_NumericStrings_OrderedAsNumbers()
    {
        string[] ids = ["100", "9", "10", "abc", "09"];

        Assert.Equal(["09", "9", "10", "100", "abc"], ids.Order(DeliveryExportJson.IdComparer));
    }

    [Fact]
    public void CompareIds_ZerosLongIdsEmptyAndMixed_NumbersFirstThenOrdinal()
    {
        string[] ids = ["a1", "", "00", "123456789012345678901", "30000000002", "0", "30000000001", "1a"];

        Assert.Equal(["0", "00", "30000000001", "30000000002", "123456789012345678901", "", "1a", "a1"], ids.Order(DeliveryExportJson.IdComparer));
    }
}
