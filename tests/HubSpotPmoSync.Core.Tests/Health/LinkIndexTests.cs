using System.Reflection;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Testing.Builders;

namespace HubSpotPmoSync.Core.Tests.Health;

public sealed class LinkIndexTests
{
    [Fact]
    public void Linked_EitherDirection_EachIdOnceInTheOrderTheLinksCome()
    {
        var model = new HealthPortfolioBuilder()
            .Link(EntityKind.Deal, "d-1", EntityKind.Company, "c-2")
            .Link(EntityKind.Company, "c-1", EntityKind.Deal, "d-1")
            .Link(EntityKind.Deal, "d-1", EntityKind.Company, "c-2")
            .Link(EntityKind.Deal, "d-1", EntityKind.Project, "p-1")
            .Link(EntityKind.Deal, "d-2", EntityKind.Company, "c-1")
            .Build();

        var links = LinkIndex.Of(model);

        Assert.Equal(["c-2", "c-1"], links.Linked(EntityKind.Deal, "d-1", EntityKind.Company));
        Assert.Equal(["d-1", "d-2"], links.Linked(EntityKind.Company, "c-1", EntityKind.Deal));
        Assert.Equal(["p-1"], links.Linked(EntityKind.Deal, "d-1", EntityKind.Project));
        Assert.Empty(links.Linked(EntityKind.Deal, "d-9", EntityKind.Company));
        Assert.Empty(links.Linked(EntityKind.Project, "p-1", EntityKind.Ticket));
    }

    /// <summary>
    /// The snapshot offers no lookup of what an entity is linked to: one that scanned every link per call made its
    /// callers grow with entities × links (kickoff planning went quadratic). Lookups go through a <see cref="LinkIndex"/>.
    /// </summary>
    [Fact]
    public void DeliveryModelSnapshot_HasNoPerEntityLinkLookup()
    {
        var lookups = typeof(DeliveryModelSnapshot)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(EntityKind)))
            .Select(m => m.Name);

        Assert.Empty(lookups);
    }
}
