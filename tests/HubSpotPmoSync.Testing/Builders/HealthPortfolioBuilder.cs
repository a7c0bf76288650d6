using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>Builds a <see cref="DeliveryModelSnapshot"/> with links, for health, rollup and report tests.</summary>
public sealed class HealthPortfolioBuilder
{
    private readonly List<Company> _companies = [];
    private readonly List<Deal> _deals = [];
    private readonly List<Ticket> _tickets = [];
    private readonly List<Project> _projects = [];
    private readonly List<DeliveryLink> _links = [];

    public HealthPortfolioBuilder WithCompany(string id, string name)
    {
        _companies.Add(new Company(id, name));
        return this;
    }

    public HealthPortfolioBuilder WithDeal(Deal deal)
    {
        _deals.Add(deal);
        return this;
    }

    public HealthPortfolioBuilder WithTicket(Ticket ticket)
    {
        _tickets.Add(ticket);
        return this;
    }

    public HealthPortfolioBuilder WithProject(Project project)
    {
        _projects.Add(project);
        return this;
    }

    /// <summary>Links two entities (direction does not matter to the readers).</summary>
    public HealthPortfolioBuilder Link(EntityKind from, string fromId, EntityKind to, string toId)
    {
        _links.Add(new DeliveryLink(from, fromId, to, toId, [new AssociationKind(AssociationKind.HubSpotDefined, 1, null)]));
        return this;
    }

    public DeliveryModelSnapshot Build() => new(_companies.ToList(), _deals.ToList(), _tickets.ToList(), _projects.ToList(), _links.ToList());
}
