using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Core.Tests.Delivery;

public sealed class DeliveryFieldCatalogTests
{
    [Fact]
    public void For_EveryKind_UniqueNamesAndEachTypeHasATransform()
    {
        foreach (var kind in EntityKinds.All)
        {
            var fields = DeliveryFieldCatalog.For(kind);
            Assert.Equal(fields.Count, fields.Select(f => f.Name).Distinct().Count());
            Assert.All(fields, f => Assert.NotEmpty(MappingLoader.AllowedTransforms(f.Type)));
        }
    }

    [Fact]
    public void TryGet_HealthStatus_ComputedEnumWithItsValues()
    {
        Assert.True(DeliveryFieldCatalog.TryGet(EntityKind.Project, "health_status", out var field));
        Assert.Equal((LocalFieldType.Enum, true), (field.Type, field.Computed));
        Assert.Equal(["green", "amber", "red", "unknown"], field.AllowedValues);
        Assert.False(DeliveryFieldCatalog.TryGet(EntityKind.Ticket, "health_status", out _));
    }
}
