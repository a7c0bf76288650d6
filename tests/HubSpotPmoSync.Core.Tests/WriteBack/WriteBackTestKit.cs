using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Testing;
using HubSpotPmoSync.Testing.Fakes;

namespace HubSpotPmoSync.Core.Tests.WriteBack;

/// <summary>Shared set-up for the write-back tests: a provisioned fake portal, a clock and a store.</summary>
internal sealed class WriteBackTestKit
{
    public WriteBackTestKit()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        Portal = new FakeCrmPortal(Time);
        Store = new InMemoryWriteBackStore();
        var desired = ProductSchema.Desired(new ProductSchemaOptions());
        var result = new SchemaProvisioner(Portal, Portal).ApplyAsync(desired, dryRun: false, CancellationToken.None).GetAwaiter().GetResult();
        if (result.HasConflicts)
        {
            throw new InvalidOperationException(result.Plan.Render());
        }

        Portal.ResetCalls();
    }

    public FakeTimeProvider Time { get; }

    public FakeCrmPortal Portal { get; }

    public InMemoryWriteBackStore Store { get; }

    public OutboxFlusher CreateFlusher(OutboxFlushOptions? options = null) => new(Store, Portal, Time, options);

    public string SeedProject(string code, string? status = null)
    {
        var properties = new Dictionary<string, string?>
        {
            ["hs_name"] = "Project " + code,
            ["hs_pipeline"] = "0",
            ["hs_pipeline_stage"] = "1000",
            ["project_code"] = code,
        };
        if (status is not null)
        {
            properties["health_status"] = status;
        }

        return Portal.Seed(CrmObjectTypes.Projects, properties);
    }

    public OutboundChange Health(string projectId, string property, string? value, ConflictPolicy policy = ConflictPolicy.LocalWins) =>
        new(CrmObjectTypes.Projects, projectId, property, value, "health", policy, Time.GetUtcNow());

    /// <summary>A pull: records what HubSpot holds now for the given properties.</summary>
    public Task PullAsync(string objectType, IEnumerable<string> ids, params string[] properties) =>
        Store.RecordObservedAsync(objectType, ids.Select(id => Portal.Get(objectType, id)), properties, CancellationToken.None);

    public async Task<FlushReport> EnqueueAndFlushAsync(IReadOnlyList<OutboundChange> changes)
    {
        await Store.EnqueueAsync(changes, Time.GetUtcNow(), CancellationToken.None);
        return await CreateFlusher().FlushAsync(CancellationToken.None);
    }

    /// <summary>Reads the portal into the typed snapshot kickoff plans from (deals are won in stage <c>closedwon</c>).</summary>
    public static DeliveryModelSnapshot Snapshot(FakeCrmPortal portal)
    {
        var companies = portal.All(CrmObjectTypes.Companies).Select(c => new Company(c.Id, c.Get("name") ?? c.Id)).ToList();
        var deals = portal.All(CrmObjectTypes.Deals).Select(d => new Deal(
            d.Id,
            d.Get("dealname") ?? string.Empty,
            d.Get("pipeline") ?? "default",
            d.Get("dealstage") ?? string.Empty,
            d.Get("amount") is { } a ? decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture) : null,
            d.Get("deal_currency_code"),
            IsClosedWon: d.Get("dealstage") == "closedwon")).ToList();
        var projects = portal.All(CrmObjectTypes.Projects).Select(p => new Project(
            p.Id, p.Get("project_code") ?? string.Empty, p.Get("hs_name") ?? string.Empty, "active", null, null, null, "EUR")).ToList();
        var links = new List<DeliveryLink>();
        foreach (var deal in deals)
        {
            links.AddRange(portal.Associated(CrmObjectTypes.Deals, deal.Id, CrmObjectTypes.Companies)
                .Select(c => new DeliveryLink(EntityKind.Deal, deal.Id, EntityKind.Company, c, [])));
        }

        foreach (var project in projects)
        {
            links.AddRange(portal.Associated(CrmObjectTypes.Projects, project.Id, CrmObjectTypes.Deals)
                .Select(d => new DeliveryLink(EntityKind.Project, project.Id, EntityKind.Deal, d, [])));
            links.AddRange(portal.Associated(CrmObjectTypes.Projects, project.Id, CrmObjectTypes.Companies)
                .Select(c => new DeliveryLink(EntityKind.Project, project.Id, EntityKind.Company, c, [])));
        }

        return new DeliveryModelSnapshot(companies, deals, [], projects, links);
    }

    /// <summary>Seeds a company and a deal in <paramref name="stage"/> linked to it; returns (dealId, companyId).</summary>
    public static (string DealId, string CompanyId) SeedDeal(FakeCrmPortal portal, string name, string stage = "closedwon", decimal? amount = 12000m)
    {
        var companyId = portal.Seed(CrmObjectTypes.Companies, new Dictionary<string, string?> { ["name"] = name + " Ltd" });
        var dealId = portal.Seed(CrmObjectTypes.Deals, new Dictionary<string, string?>
        {
            ["dealname"] = name,
            ["pipeline"] = "default",
            ["dealstage"] = stage,
            ["amount"] = amount?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["deal_currency_code"] = "EUR",
        });
        portal.CreateAssociationsAsync(CrmObjectTypes.Deals, CrmObjectTypes.Companies, [new CrmAssociationCreate(dealId, companyId)], CancellationToken.None)
            .GetAwaiter().GetResult();
        return (dealId, companyId);
    }
}
