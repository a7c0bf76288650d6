using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Cycle;

/// <summary>Where the health rules live (configuration section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>The configuration section: <c>Health</c>.</summary>
    public const string SectionName = "Health";

    /// <summary>Path of the health rules (weights, thresholds, trend), JSON.</summary>
    /// <value>The default value is <c>config/health.json</c>.</value>
    public string RulesPath { get; set; } = "config/health.json";
}

/// <summary>Loads <c>Health:RulesPath</c> once; bad rules stop the command with exit 2 naming the spot.</summary>
internal sealed class HealthRulesProvider(IOptions<HealthOptions> options)
{
    private readonly Lazy<HealthRules> _rules = new(() => Load(WorkerHost.ResolvePath(options.Value.RulesPath)));

    public HealthRules Rules => _rules.Value;

    private static HealthRules Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: the health rules cannot be read ({e.Message}); set Health:RulesPath.");
        }

        var (rules, errors) = HealthRulesLoader.TryParse(json, path);
        return errors.Count > 0
            ? throw new UserInputException(["the health rules are not valid:", .. errors.Select(e => "  " + e)])
            : rules!;
    }
}
