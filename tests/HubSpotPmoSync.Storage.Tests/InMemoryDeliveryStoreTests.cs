using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Storage.Tests;

/// <summary>Keeps the in-memory fake honest: the same contract as the SQLite store.</summary>
public sealed class InMemoryDeliveryStoreTests : DeliveryStoreContractTests
{
    protected override IDeliveryStore Store { get; } = new InMemoryDeliveryStore();
}
