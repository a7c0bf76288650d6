namespace HubSpotPmoSync.Benchmarks;

/// <summary>A benchmark the runner can find by name. Each prints its figures and returns an exit code.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args);
}
