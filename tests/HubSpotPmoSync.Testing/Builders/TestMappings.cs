using HubSpotPmoSync.Core.Mapping;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>The repository's default <c>config/mappings.json</c>, loaded (and therefore validated) once.</summary>
public static class TestMappings
{
    private static readonly Lazy<MappingSet> Lazy = new(() =>
    {
        var result = MappingLoader.Load(DefaultPath);
        return result.Mappings ?? throw new InvalidOperationException("config/mappings.json is invalid: " + string.Join("; ", result.Errors));
    });

    /// <summary>The default mappings.</summary>
    public static MappingSet Default => Lazy.Value;

    /// <summary>The absolute path of the repository's <c>config/mappings.json</c>.</summary>
    public static string DefaultPath => RepositoryFile(Path.Combine("config", "mappings.json"));

    /// <summary>Finds a file by its path relative to the repository root (the folder holding HubSpotPmoSync.sln).</summary>
    public static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HubSpotPmoSync.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new FileNotFoundException("repository root (HubSpotPmoSync.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Loads mappings from JSON text (for tests that vary the defaults).</summary>
    public static MappingSet Parse(string json)
    {
        var result = MappingLoader.Parse("test-mappings.json", System.Text.Encoding.UTF8.GetBytes(json));
        return result.Mappings ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }
}
