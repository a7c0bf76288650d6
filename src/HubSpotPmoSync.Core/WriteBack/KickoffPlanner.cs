using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>How projects are kicked off from won deals.</summary>
public sealed class KickoffOptions
{
    /// <summary>The project object type: HubSpot's native <c>projects</c> or a custom object's <c>2-…</c> id or fully qualified name.</summary>
    /// <value>The default value is <c>projects</c>.</value>
    public string ProjectObjectType { get; init; } = CrmObjectTypes.Projects;

    /// <summary>The unique property projects are upserted on.</summary>
    /// <value>The default value is <c>project_code</c>.</value>
    public string CodeProperty { get; init; } = ProductSchema.ProjectCode;

    /// <summary>
    /// Prefix of the derived project code: the code of deal <c>123</c> is <c>{prefix}123</c>. The HubSpot deal id
    /// never changes and is unique, so the code is deterministic and unique per deal.
    /// </summary>
    /// <value>The default value is <c>D</c>.</value>
    public string CodePrefix { get; init; } = "D";

    /// <summary>The property that receives the deal's name.</summary>
    /// <value>The default value is <c>hs_name</c> (native projects; a custom object uses its primary display property).</value>
    public string NameProperty { get; init; } = "hs_name";

    /// <summary>The pipeline property, or null when the project object has no pipeline.</summary>
    /// <value>The default value is <c>hs_pipeline</c>.</value>
    public string? PipelineProperty { get; init; } = "hs_pipeline";

    /// <summary>The stage property, or null when the project object has no pipeline.</summary>
    /// <value>The default value is <c>hs_pipeline_stage</c>.</value>
    public string? StageProperty { get; init; } = "hs_pipeline_stage";

    /// <summary>The property that receives the deal amount as the project budget, or null to leave it out.</summary>
    /// <value>The default value is <c>health_budget</c>.</value>
    public string? BudgetProperty { get; init; } = ProductSchema.HealthBudget;

    /// <summary>The property that receives the deal currency, or null to leave it out.</summary>
    /// <value>The default value is <c>project_currency</c>.</value>
    public string? CurrencyProperty { get; init; } = ProductSchema.ProjectCurrency;

    /// <summary>
    /// Deal stage ids that kick off a project. Empty: every stage HubSpot marks closed-won (<see cref="Deal.IsClosedWon"/>).
    /// </summary>
    public IReadOnlyCollection<string> ClosedWonStages { get; init; } = [];

    /// <summary>The project pipeline id; null takes the first pipeline of the project object.</summary>
    public string? ProjectPipelineId { get; init; }

    /// <summary>The project code of a deal.</summary>
    public string CodeFor(string dealId) => CodePrefix + dealId;
}

/// <summary>A project to create (or find, after a crash) for a won deal.</summary>
/// <param name="ExistingProjectId">The project's id when the snapshot already holds a project with the code (a crashed run created it but did not link it).</param>
/// <param name="CompanyIds">The deal's companies, which the project is linked to as well.</param>
public sealed record ProjectKickoff(
    string DealId,
    string ProjectCode,
    string? ExistingProjectId,
    IReadOnlyList<string> CompanyIds,
    IReadOnlyDictionary<string, string?> Properties);

/// <summary>The projects kickoff would create and the links it would make.</summary>
public sealed record KickoffPlan(string ProjectObjectType, string CodeProperty, IReadOnlyList<ProjectKickoff> Projects)
{
    public static KickoffPlan Empty(KickoffOptions options) => new(options.ProjectObjectType, options.CodeProperty, []);

    /// <summary>The creates, for the write-back plan (projects found by code are linked, not created).</summary>
    public IReadOnlyList<PlannedCreate> Creates =>
        Projects.Where(p => p.ExistingProjectId is null)
            .Select(p => new PlannedCreate(ProjectObjectType, p.ProjectCode, p.Properties, "for won deal " + p.DealId))
            .ToList();

    /// <summary>The links, for the write-back plan: project → deal and project → each of the deal's companies.</summary>
    public IReadOnlyList<PlannedAssociation> Associations =>
        Projects.SelectMany(p =>
                new[] { new PlannedAssociation(ProjectObjectType, p.ExistingProjectId ?? p.ProjectCode, CrmObjectTypes.Deals, p.DealId) }
                    .Concat(p.CompanyIds.Select(c => new PlannedAssociation(ProjectObjectType, p.ExistingProjectId ?? p.ProjectCode, CrmObjectTypes.Companies, c))))
            .ToList();
}

/// <summary>Finds the won deals without a project and plans one project each (pure).</summary>
public static class KickoffPlanner
{
    /// <summary>
    /// For each won deal (not archived) that no live project is linked to: a project with the derived code, the
    /// deal's name, the first stage of the project pipeline, the deal amount as budget and its currency.
    /// </summary>
    /// <param name="projectPipelines">The project object's pipelines (needed when <see cref="KickoffOptions.StageProperty"/> is set).</param>
    public static KickoffPlan Plan(DeliveryModelSnapshot snapshot, KickoffOptions options, IReadOnlyList<CrmPipeline> projectPipelines)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(projectPipelines);

        (string PipelineId, string StageId)? start = null;
        if (options.PipelineProperty is not null || options.StageProperty is not null)
        {
            var pipeline = options.ProjectPipelineId is null
                ? (projectPipelines.Count > 0 ? projectPipelines[0] : null)
                : projectPipelines.FirstOrDefault(p => p.Id == options.ProjectPipelineId);
            var stage = pipeline?.Stages.OrderBy(s => s.DisplayOrder).FirstOrDefault();
            if (pipeline is null || stage is null)
            {
                throw new InvalidOperationException(options.ProjectPipelineId is null
                    ? $"The {options.ProjectObjectType} object has no pipeline with a stage; kickoff needs one for {options.StageProperty}."
                    : $"The {options.ProjectObjectType} pipeline '{options.ProjectPipelineId}' does not exist or has no stage.");
            }

            start = (pipeline.Id, stage.Id);
        }

        var liveProjects = snapshot.Projects.Where(p => !p.Archived).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var projectsByCode = new Dictionary<string, Project>(StringComparer.Ordinal);
        foreach (var project in liveProjects.Values.Where(p => !string.IsNullOrEmpty(p.Code)))
        {
            projectsByCode.TryAdd(project.Code, project);
        }

        var liveCompanies = snapshot.Companies.Where(c => !c.Archived).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        // One pass over the links: scanning them all per lookup made planning grow with won deals × links (seconds at a
        // few thousand won deals).
        var links = LinkIndex.Of(snapshot);
        var wonStages = options.ClosedWonStages.ToHashSet(StringComparer.Ordinal);
        var kickoffs = new List<ProjectKickoff>();
        foreach (var deal in snapshot.Deals.Where(d => !d.Archived).OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            var won = wonStages.Count == 0 ? deal.IsClosedWon : wonStages.Contains(deal.Stage);
            if (!won)
            {
                continue;
            }

            var code = options.CodeFor(deal.Id);
            projectsByCode.TryGetValue(code, out var existing);
            var linkedProjects = links.Linked(EntityKind.Deal, deal.Id, EntityKind.Project).Where(liveProjects.ContainsKey).ToList();
            var companies = links.Linked(EntityKind.Deal, deal.Id, EntityKind.Company)
                .Where(liveCompanies.Contains)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (linkedProjects.Count > 0)
            {
                var linkedExisting = existing is not null && linkedProjects.Contains(existing.Id, StringComparer.Ordinal);
                var companiesMissing = linkedExisting
                    && companies.Any(c => !links.Linked(EntityKind.Project, existing!.Id, EntityKind.Company).Contains(c, StringComparer.Ordinal));
                if (!companiesMissing)
                {
                    continue;
                }

                // The kicked-off project is linked to its deal but not yet to the deal's company: a run was killed
                // between the two links. Link again (links are idempotent); nothing is created.
                kickoffs.Add(new ProjectKickoff(deal.Id, code, existing!.Id, companies, Properties(deal, code, options, start)));
                continue;
            }

            kickoffs.Add(new ProjectKickoff(deal.Id, code, existing?.Id, companies, Properties(deal, code, options, start)));
        }

        return new KickoffPlan(options.ProjectObjectType, options.CodeProperty, kickoffs);
    }

    private static Dictionary<string, string?> Properties(
        Deal deal, string code, KickoffOptions options, (string PipelineId, string StageId)? start)
    {
        var properties = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [options.CodeProperty] = code,
            [options.NameProperty] = string.IsNullOrWhiteSpace(deal.Name) ? "Deal " + deal.Id : deal.Name,
        };
        if (start is { } s)
        {
            if (options.PipelineProperty is not null)
            {
                properties[options.PipelineProperty] = s.PipelineId;
            }

            if (options.StageProperty is not null)
            {
                properties[options.StageProperty] = s.StageId;
            }
        }

        if (options.BudgetProperty is not null && deal.Amount is { } amount)
        {
            properties[options.BudgetProperty] = amount.ToString(CultureInfo.InvariantCulture);
        }

        if (options.CurrencyProperty is not null && !string.IsNullOrEmpty(deal.Currency))
        {
            properties[options.CurrencyProperty] = deal.Currency;
        }

        return properties;
    }
}
