namespace HubSpotPmoSync.HubSpot.Tests.Contract;

/// <summary>
/// The wire contract tests run one at a time, after the other tests of the assembly: each starts a server and sends real
/// requests, and running them beside the fake-clock unit tests would only add load to those.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContractCollection
{
    public const string Name = "HubSpot wire contract";
}
