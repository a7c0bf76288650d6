using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>Where the product keeps projects and its properties in HubSpot.</summary>
public sealed class ProductSchemaOptions
{
    /// <summary>Whether projects live in a custom object (created by <c>schema apply</c>) instead of HubSpot's native <c>projects</c>.</summary>
    /// <value>The default value is false.</value>
    public bool UseCustomProjectObject { get; init; }

    /// <summary>The custom object's name (letters, digits and underscores, starting with a letter; immutable once created).</summary>
    /// <value>The default value is <c>pmo_project</c>.</value>
    public string CustomObjectName { get; init; } = "pmo_project";

    /// <summary>The property group the product's properties go into, on every object.</summary>
    /// <value>The default value is <c>pmo_delivery_health</c>.</value>
    public string GroupName { get; init; } = "pmo_delivery_health";

    /// <value>The default value is <c>Delivery health (PMO sync)</c>.</value>
    public string GroupLabel { get; init; } = "Delivery health (PMO sync)";

    /// <summary>More properties the mappings write (their outbound fields), created in the group when missing.</summary>
    public IReadOnlyList<DesiredProperty> ExtraProperties { get; init; } = [];

    /// <summary>The object type projects are written to before the custom object exists: its name.</summary>
    public string ProjectObjectType => UseCustomProjectObject ? CustomObjectName : CrmObjectTypes.Projects;
}

/// <summary>A property the product needs on an object type.</summary>
/// <param name="ObjectType">An object type name (<c>deals</c>, <c>projects</c>) or, for the custom project object, its schema name.</param>
public sealed record DesiredProperty(string ObjectType, CrmPropertyDefinition Definition);

/// <summary>Everything the product needs in the portal.</summary>
/// <param name="CustomObject">The custom project object to create when missing, or null for native projects.</param>
public sealed record DesiredSchema(CrmPropertyGroup Group, IReadOnlyList<DesiredProperty> Properties, CrmObjectSchema? CustomObject)
{
    /// <summary>The object types the properties are on, in order of first appearance.</summary>
    public IReadOnlyList<string> ObjectTypes => Properties.Select(p => p.ObjectType).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>The catalogue of what the product writes to HubSpot.</summary>
public static class ProductSchema
{
    public const string HealthStatus = "health_status";
    public const string HealthScore = "health_score";
    public const string HealthReasons = "health_reasons";
    public const string HealthTrend = "health_trend";
    public const string HealthBudget = "health_budget";
    public const string HealthActualCost = "health_actual_cost";
    public const string HealthEac = "health_eac";
    public const string HealthCpi = "health_cpi";
    public const string HealthSpi = "health_spi";
    public const string LastSyncedAt = "last_synced_at";
    public const string ProjectCode = "project_code";
    public const string ProjectCurrency = "project_currency";
    public const string ProjectName = "project_name";

    public const string DeliveryHealth = "delivery_health";
    public const string DeliveryHealthReason = "delivery_health_reason";
    public const string ActiveProjects = "active_projects";
    public const string AtRiskProjects = "at_risk_projects";
    public const string BudgetVariance = "budget_variance";

    /// <summary>The HubSpot object type ids of companies, deals and tickets (what a custom object is associated with).</summary>
    public static IReadOnlyList<string> CustomObjectAssociations { get; } = ["0-2", "0-3", "0-5"];

    /// <summary>What the product needs, for the given options.</summary>
    public static DesiredSchema Desired(ProductSchemaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var group = options.GroupName;
        var project = options.ProjectObjectType;
        var properties = new List<DesiredProperty>
        {
            new(project, Enumeration(HealthStatus, "Health status", group, "green", "amber", "red", "unknown")),
            new(project, Number(HealthScore, "Health score", group)),
            new(project, Text(HealthReasons, "Health reasons", group, "textarea")),
            new(project, Enumeration(HealthTrend, "Health trend", group, "improving", "steady", "worsening", "unknown")),
            new(project, Number(HealthBudget, "Budget (BAC)", group)),
            new(project, Number(HealthActualCost, "Actual cost", group)),
            new(project, Number(HealthEac, "Estimate at completion", group)),
            new(project, Number(HealthCpi, "Cost performance index", group)),
            new(project, Number(HealthSpi, "Schedule performance index", group)),
            new(project, new CrmPropertyDefinition(LastSyncedAt, "Last synced at", "datetime", "date", group)),
            new(project, Text(ProjectCode, "Project code", group, "text") with { HasUniqueValue = true }),
            new(project, Text(ProjectCurrency, "Project currency", group, "text")),
        };

        foreach (var objectType in (string[])[CrmObjectTypes.Deals, CrmObjectTypes.Companies])
        {
            properties.Add(new(objectType, Enumeration(DeliveryHealth, "Delivery health", group, "green", "amber", "red", "unknown")));
            properties.Add(new(objectType, Text(DeliveryHealthReason, "Delivery health reason", group, "textarea")));
            properties.Add(new(objectType, Number(ActiveProjects, "Active projects", group)));
            properties.Add(new(objectType, Number(AtRiskProjects, "At-risk projects", group)));
            properties.Add(new(objectType, Number(BudgetVariance, "Budget variance", group)));
        }

        foreach (var extra in options.ExtraProperties)
        {
            var existing = properties.FindIndex(p => p.ObjectType == extra.ObjectType && p.Definition.Name == extra.Definition.Name);
            if (existing < 0)
            {
                properties.Add(extra with { Definition = extra.Definition with { GroupName = string.IsNullOrEmpty(extra.Definition.GroupName) ? group : extra.Definition.GroupName } });
            }
        }

        CrmObjectSchema? custom = null;
        if (options.UseCustomProjectObject)
        {
            properties.Insert(0, new(project, Text(ProjectName, "Project name", group, "text")));
            var name = properties[0].Definition;
            var code = properties.First(p => p.ObjectType == project && p.Definition.Name == ProjectCode).Definition;
            custom = new CrmObjectSchema(
                options.CustomObjectName,
                "Project",
                "Projects",
                ProjectName,
                [ProjectName, ProjectCode],
                [name, code],
                CustomObjectAssociations);
        }

        return new DesiredSchema(new CrmPropertyGroup(group, options.GroupLabel), properties, custom);
    }

    private static CrmPropertyDefinition Number(string name, string label, string group) => new(name, label, "number", "number", group);

    private static CrmPropertyDefinition Text(string name, string label, string group, string fieldType) => new(name, label, "string", fieldType, group);

    private static CrmPropertyDefinition Enumeration(string name, string label, string group, params string[] values) =>
        new(name, label, "enumeration", "select", group,
            Options: values.Select((v, i) => new CrmPropertyOption(v, char.ToUpperInvariant(v[0]) + v[1..], i)).ToList());
}
