using HubSpotPmoSync.Worker.Import;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Import;

public sealed class ImportOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var validator = new ImportOptionsValidator();

        Assert.True(validator.Validate(null, new TimeEntryImportOptions()).Succeeded);
        Assert.True(validator.Validate(null, new MilestoneImportOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadSettings_EveryFailureNamed()
    {
        var options = new TimeEntryImportOptions
        {
            Columns = new TimeEntryColumns { Person = " ", Notes = "hours" },
            MaxHoursPerEntry = 0m,
            MaxRate = -1m,
            Delimiter = "",
        };

        var result = new ImportOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains("Import:TimeEntries:Columns:Person must name a CSV header.", failures);
        Assert.Contains(failures, f => f.StartsWith("Import:TimeEntries:Columns: Hours and Notes both name the header", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Import:TimeEntries:MaxHoursPerEntry", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Import:TimeEntries:MaxRate", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Import:TimeEntries:Delimiter", StringComparison.Ordinal));
        Assert.Equal(5, failures.Count);
    }

    [Fact]
    public void AddDeliveryDataImport_BindsSectionAndValidates()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Import:TimeEntries:Columns:Hours"] = "Duration",
            ["Import:TimeEntries:DateFormats:0"] = "dd.MM.yyyy",
            ["Import:Milestones:Columns:Weight"] = "",
        }).Build();
        using var provider = new ServiceCollection().AddDeliveryDataImport(configuration).BuildServiceProvider();

        var time = provider.GetRequiredService<IOptions<TimeEntryImportOptions>>().Value;
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MilestoneImportOptions>>().Value);

        Assert.Equal("Duration", time.Columns.Hours);
        Assert.Equal(["dd.MM.yyyy"], time.EffectiveDateFormats);
        Assert.Contains("Import:Milestones:Columns:Weight must name a CSV header.", ex.Failures);
    }

    [Fact]
    public void Validate_ImportSection_EveryBadSettingNamed()
    {
        var validator = new ImportOptionsValidator();

        var result = validator.Validate(null, new ImportOptions { Encoding = "klingon-8", Culture = "xx-YY", Delimiter = "\"" });

        Assert.True(validator.Validate(null, new ImportOptions()).Succeeded);
        Assert.True(validator.Validate(null, new ImportOptions { Encoding = "windows-1252", Culture = "de-de", Delimiter = "tab" }).Succeeded);
        Assert.Equal(["Import:Encoding", "Import:Culture", "Import:Delimiter"], result.Failures!.Select(f => f[..f.IndexOfAny([' ', '\''])]));
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("tab", "\t")]
    [InlineData("\\t", "\t")]
    [InlineData(";", ";")]
    public void ParseDelimiter_Settings(string setting, string? expected) => Assert.Equal(expected, ImportFormat.ParseDelimiter(setting));
}
