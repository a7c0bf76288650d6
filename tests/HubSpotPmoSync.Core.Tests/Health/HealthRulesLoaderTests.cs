using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.Tests.Health;

public sealed class HealthRulesLoaderTests
{
    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HubSpotPmoSync.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, relative);
    }

    [Fact]
    public void Parse_ShippedConfigFile_EqualsTheDefaults()
    {
        var path = RepoFile("config/health.json");

        var rules = HealthRulesLoader.Parse(File.ReadAllText(path), path);

        Assert.Equal(HealthRules.Default, rules);
    }

    [Fact]
    public void ToJson_ThenParse_RoundTrips()
    {
        var custom = HealthRules.Default with { Staleness = new StalenessRules(3, 10), Weights = new FactorWeights(0.4m, 0.4m, 0.1m, 0.1m) };

        var parsed = HealthRulesLoader.Parse(HealthRulesLoader.ToJson(custom), "x.json");

        Assert.Equal(custom, parsed);
    }

    [Fact]
    public void Parse_EmptyObject_KeepsDefaults()
    {
        Assert.Equal(HealthRules.Default, HealthRulesLoader.Parse("{}", "x.json"));
    }

    [Fact]
    public void TryParse_InvalidJson_ReportsLineAndColumn()
    {
        const string json = "{\n  \"weights\": {\n    \"budget\": 0.5,,\n  }\n}";

        var (rules, errors) = HealthRulesLoader.TryParse(json, "config/health.json");

        Assert.Null(rules);
        var error = Assert.Single(errors);
        Assert.Equal("config/health.json", error.File);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("invalid JSON", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("config/health.json(3,", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WeightsNotSummingToOne_NamesPathAndPosition()
    {
        const string json = "{\n  \"weights\": { \"schedule\": 0.5, \"budget\": 0.5, \"tickets\": 0.2, \"staleness\": 0 }\n}";

        var (_, errors) = HealthRulesLoader.TryParse(json, "h.json");

        var error = Assert.Single(errors);
        Assert.Equal("$.weights", error.Path);
        Assert.Equal(2, error.Line);
        Assert.Equal(3, error.Column);
        Assert.Equal("the weights must sum to 1 (they sum to 1.2)", error.Reason);
    }

    [Fact]
    public void TryParse_UnknownFactor_Rejected()
    {
        const string json = """{ "weights": { "schedule": 0.35, "budget": 0.35, "tickets": 0.15, "staleness": 0.15, "morale": 0 } }""";

        var (_, errors) = HealthRulesLoader.TryParse(json, "h.json");

        var error = Assert.Single(errors);
        Assert.Equal("$.weights.morale", error.Path);
        Assert.Contains("unknown factor 'morale'", error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void TryParse_ThresholdsOutOfOrder_Rejected()
    {
        const string json = """{ "rag": { "greenMin": 50, "amberMin": 60 }, "budget": { "cpiGood": 0.7, "cpiBad": 0.8 } }""";

        var (_, errors) = HealthRulesLoader.TryParse(json, "h.json");

        Assert.Equal(["$.rag.amberMin", "$.budget.cpiBad"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.Contains("thresholds out of order", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void TryParse_NegativeDays_Rejected()
    {
        const string json = """{ "staleness": { "goodWithinDays": -1, "badAfterDays": 21 } }""";

        var (_, errors) = HealthRulesLoader.TryParse(json, "h.json");

        var error = Assert.Single(errors);
        Assert.Equal("$.staleness.goodWithinDays", error.Path);
        Assert.Equal("negative days are not allowed (is -1)", error.Reason);
    }

    [Fact]
    public void TryParse_WrongTypesAndUnknownSection_AllReportedAtOnce()
    {
        const string json = """
            {
              "schedule": { "spiGood": "high", "overdueGraceDays": 1.5 },
              "mood": {},
              "trend": { "window": 0 }
            }
            """;

        var (_, errors) = HealthRulesLoader.TryParse(json, "h.json");

        Assert.Contains(errors, e => e.Path == "$.schedule.spiGood" && e.Reason == "must be a number (is a string)" && e.Line == 2);
        Assert.Contains(errors, e => e.Path == "$.schedule.overdueGraceDays" && e.Reason.StartsWith("must be a whole number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.mood" && e.Reason.StartsWith("unknown setting 'mood'", StringComparison.Ordinal) && e.Line == 3);
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void TryParse_TrendWindowZero_Rejected()
    {
        var (_, errors) = HealthRulesLoader.TryParse("""{ "trend": { "window": 0 } }""", "h.json");

        Assert.Equal("$.trend.window", Assert.Single(errors).Path);
    }

    [Fact]
    public void Parse_Invalid_ThrowsListingEveryError()
    {
        var ex = Assert.Throws<HealthRulesException>(() => HealthRulesLoader.Parse("""{ "rag": { "amberMin": 80 }, "tickets": { "agedAfterDays": -3 } }""", "h.json"));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("h.json(1,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RootNotObject_Rejected()
    {
        var (_, errors) = HealthRulesLoader.TryParse("[1]", "h.json");

        Assert.Equal("the rules must be a JSON object", Assert.Single(errors).Reason);
    }
}
