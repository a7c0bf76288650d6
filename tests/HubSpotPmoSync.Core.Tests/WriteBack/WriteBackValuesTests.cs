using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

public sealed class WriteBackValuesTests
{
    [Theory]
    [InlineData(null, "", true)]
    [InlineData("12000", "12000.00", true)]
    [InlineData("1.5", "1.50", true)]
    [InlineData("2026-03-02T09:00:00Z", "2026-03-02T09:00:00.000Z", true)]
    [InlineData("red", "Red", false)]
    [InlineData("12000", "12001", false)]
    [InlineData(null, "0", false)]
    public void AreEqual_WireValues_ComparesAsHubSpotStoresThem(string? a, string? b, bool expected) =>
        Assert.Equal(expected, WriteBackValues.AreEqual(a, b));

    [Fact]
    public void Display_Values_MarksEmptyAndQuotesSpaces()
    {
        Assert.Equal("(empty)", WriteBackValues.Display(null));
        Assert.Equal("red", WriteBackValues.Display("red"));
        Assert.Equal("\"Budget over\"", WriteBackValues.Display("Budget over"));
    }

    [Theory]
    [InlineData("Schedule: 12 days late\nBudget: CPI 0.81", "\"Schedule: 12 days late\\nBudget: CPI 0.81\"")]
    [InlineData("a\r\nb\tc", "\"a\\r\\nb\\tc\"")]
    [InlineData("say \"hi\" C:\\x", "\"say \\\"hi\\\" C:\\\\x\"")]
    [InlineData("bell\u0007 here", "\"bell\\u0007 here\"")]
    [InlineData("line\u2028sep", "\"line\\u2028sep\"")]
    public void Display_MultiLineAndControlCharacters_StaysOnOneLineJsonEscaped(string value, string expected)
    {
        var shown = WriteBackValues.Display(value);

        Assert.Equal(expected, shown);
        Assert.DoesNotContain(shown, c => c is '\n' or '\r' or '\u2028' || char.IsControl(c));
        Assert.Equal(value, System.Text.Json.JsonSerializer.Deserialize<string>(shown));
    }
}
