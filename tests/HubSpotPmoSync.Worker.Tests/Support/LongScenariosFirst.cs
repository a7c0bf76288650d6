using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("HubSpotPmoSync.Worker.Tests.Support.LongScenariosFirst", "HubSpotPmoSync.Worker.Tests")]

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// Marks a collection definition whose tests run for minutes (the convergence scenarios; the faulted one mostly waits on
/// HubSpot's <c>Retry-After</c>), so that <see cref="LongScenariosFirst"/> starts it before the others.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongScenarioAttribute : Attribute;

/// <summary>
/// Starts the collections marked <see cref="LongScenarioAttribute"/> first, then the others in xunit's default (random)
/// order. xunit runs a few collections at a time (<c>xunit.runner.json</c>); a long scenario started last would run
/// alone at the end, adding its whole length to the suite's.
/// </summary>
public sealed class LongScenariosFirst : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = _default.OrderTestCollections(testCollections).ToList();
        return [.. ordered.Where(IsLong), .. ordered.Where(c => !IsLong(c))];
    }

    private static bool IsLong(ITestCollection collection) =>
        collection.CollectionDefinition?.GetCustomAttributes(typeof(LongScenarioAttribute).AssemblyQualifiedName).Any() == true;
}
