using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Core.Tests.Mapping;

public sealed class ValueTransformerTests
{
    private static FieldMapping Field(LocalFieldType type, FieldTransform transform, IReadOnlyList<string>? allowed = null) =>
        new("p", "f", MappingDirection.Inbound, ConflictPolicy.HubSpotWins, transform, new LocalField("f", type, AllowedValues: allowed), "$");

    [Theory]
    [InlineData(TransformKind.Money, "1250.50", "1250.50")]
    [InlineData(TransformKind.Number, "-3e2", "-300")]
    [InlineData(TransformKind.Date, "2026-03-01", "2026-03-01")]
    [InlineData(TransformKind.Date, "2026-03-01T00:00:00.000Z", "2026-03-01")]
    [InlineData(TransformKind.Date, "1430438400000", "2015-05-01")]
    [InlineData(TransformKind.DateTime, "2024-09-11T13:27:39.356Z", "2024-09-11T13:27:39.356Z")]
    [InlineData(TransformKind.DateTime, "2024-09-11T15:27:39.356+02:00", "2024-09-11T13:27:39.356Z")]
    [InlineData(TransformKind.DateTime, "1726061259356", "2024-09-11T13:27:39.356Z")]
    [InlineData(TransformKind.DateTime, "2026-03-01", "2026-03-01T00:00:00.000Z")]
    [InlineData(TransformKind.Bool, "TRUE", "true")]
    [InlineData(TransformKind.Bool, "false", "false")]
    public void TryInbound_ValidValue_GivesTheCanonicalForm(TransformKind kind, string raw, string canonical)
    {
        var type = kind switch
        {
            TransformKind.Money => LocalFieldType.Money,
            TransformKind.Number => LocalFieldType.Number,
            TransformKind.Date => LocalFieldType.Date,
            TransformKind.DateTime => LocalFieldType.DateTime,
            _ => LocalFieldType.Bool,
        };

        Assert.True(ValueTransformer.TryInbound(Field(type, new FieldTransform(kind)), raw, out var value, out var error));
        Assert.Equal(canonical, value);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(TransformKind.Money, "12k", "'12k' is not a number")]
    [InlineData(TransformKind.Date, "next tuesday", "'next tuesday' is not a date")]
    [InlineData(TransformKind.DateTime, "2026-13-45T00:00:00Z", "'2026-13-45T00:00:00Z' is not a date-time")]
    [InlineData(TransformKind.Bool, "yes", "'yes' is not true or false")]
    public void TryInbound_InvalidValue_FailsWithTheReason(TransformKind kind, string raw, string reason)
    {
        Assert.False(ValueTransformer.TryInbound(Field(LocalFieldType.Text, new FieldTransform(kind)), raw, out var value, out var error));
        Assert.Null(value);
        Assert.Equal(reason, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryInbound_EmptyValue_IsNull(string? raw)
    {
        Assert.True(ValueTransformer.TryInbound(Field(LocalFieldType.Money, new FieldTransform(TransformKind.Money)), raw, out var value, out _));
        Assert.Null(value);
    }

    [Fact]
    public void TryInbound_EnumMap_MapsKnownAndRejectsUnknownValues()
    {
        var field = Field(LocalFieldType.Enum, new FieldTransform(TransformKind.EnumMap, new Dictionary<string, string> { ["1"] = "low", ["4"] = "urgent" }));

        Assert.True(ValueTransformer.TryInbound(field, "4", out var mapped, out _));
        Assert.Equal("urgent", mapped);
        Assert.False(ValueTransformer.TryInbound(field, "9", out _, out var error));
        Assert.Equal("'9' is not in the enum map (1, 4)", error);
    }

    [Fact]
    public void TryInbound_EnumWithoutMap_AcceptsOnlyAllowedValues()
    {
        var field = Field(LocalFieldType.Enum, FieldTransform.None, ["LOW", "HIGH"]);

        Assert.True(ValueTransformer.TryInbound(field, "HIGH", out var value, out _));
        Assert.Equal("HIGH", value);
        Assert.False(ValueTransformer.TryInbound(field, "high", out _, out var error));
        Assert.Equal("'high' is not one of LOW, HIGH", error);
    }

    [Fact]
    public void TryInbound_Text_KeepsTheValueExactly()
    {
        const string raw = "  Zoë \"x\"\n";

        Assert.True(ValueTransformer.TryInbound(Field(LocalFieldType.Text, FieldTransform.None), raw, out var value, out _));
        Assert.Equal(raw, value);
    }
}
