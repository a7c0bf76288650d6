namespace HubSpotPmoSync.Core.Delivery;

/// <summary>
/// The fields of the local delivery model per entity kind: what a mapping may name as <c>local</c>, with each
/// field's type and whether the product computes it (health and rollup fields, written to HubSpot only).
/// </summary>
public static class DeliveryFieldCatalog
{
    private static readonly string[] HealthStatuses = ["green", "amber", "red", "unknown"];
    private static readonly string[] HealthTrends = ["improving", "steady", "worsening", "unknown"];
    private static readonly string[] TicketPriorities = ["LOW", "MEDIUM", "HIGH", "URGENT"];
    private static readonly string[] ProjectStatuses = ["planned", "active", "on_hold", "completed", "cancelled"];

    private static readonly LocalField[] RollupFields =
    [
        new("delivery_health", LocalFieldType.Enum, Computed: true, AllowedValues: HealthStatuses),
        new("delivery_health_reason", LocalFieldType.Text, Computed: true),
        new("active_projects", LocalFieldType.Number, Computed: true),
        new("at_risk_projects", LocalFieldType.Number, Computed: true),
        new("budget_variance", LocalFieldType.Money, Computed: true),
    ];

    private static readonly Dictionary<EntityKind, IReadOnlyList<LocalField>> Fields = new()
    {
        [EntityKind.Company] =
        [
            new("name", LocalFieldType.Text, Required: true),
            new("domain", LocalFieldType.Text),
            new("industry", LocalFieldType.Text),
            .. RollupFields,
        ],
        [EntityKind.Deal] =
        [
            new("name", LocalFieldType.Text, Required: true),
            new("amount", LocalFieldType.Money),
            new("currency", LocalFieldType.Text),
            new("close_date", LocalFieldType.DateTime),
            new("pipeline", LocalFieldType.Text, Required: true),
            new("stage", LocalFieldType.Text, Required: true),
            new("owner_id", LocalFieldType.Text),
            .. RollupFields,
        ],
        [EntityKind.Ticket] =
        [
            new("subject", LocalFieldType.Text, Required: true),
            new("content", LocalFieldType.Text),
            new("priority", LocalFieldType.Enum, AllowedValues: TicketPriorities),
            new("pipeline", LocalFieldType.Text, Required: true),
            new("stage", LocalFieldType.Text, Required: true),
            new("closed_at", LocalFieldType.DateTime),
            new("created_at", LocalFieldType.DateTime),
        ],
        [EntityKind.Project] =
        [
            new("name", LocalFieldType.Text, Required: true),
            new("code", LocalFieldType.Text, Required: true),
            new("pipeline", LocalFieldType.Text),
            new("stage", LocalFieldType.Text),
            new("status", LocalFieldType.Enum, AllowedValues: ProjectStatuses),
            new("budget", LocalFieldType.Money),
            new("currency", LocalFieldType.Text),
            new("start_date", LocalFieldType.Date),
            new("due_date", LocalFieldType.Date),
            new("percent_complete", LocalFieldType.Number),
            new("health_status", LocalFieldType.Enum, Computed: true, AllowedValues: HealthStatuses),
            new("health_score", LocalFieldType.Number, Computed: true),
            new("health_reasons", LocalFieldType.Text, Computed: true),
            new("health_trend", LocalFieldType.Enum, Computed: true, AllowedValues: HealthTrends),
            new("health_actual_cost", LocalFieldType.Money, Computed: true),
            new("health_eac", LocalFieldType.Money, Computed: true),
            new("health_cpi", LocalFieldType.Number, Computed: true),
            new("health_spi", LocalFieldType.Number, Computed: true),
            new("last_synced_at", LocalFieldType.DateTime, Computed: true),
        ],
    };

    /// <summary>The fields of an entity kind, in catalog order.</summary>
    public static IReadOnlyList<LocalField> For(EntityKind kind) => Fields[kind];

    /// <summary>Looks up a field by its local name (exact, case-sensitive).</summary>
    public static bool TryGet(EntityKind kind, string name, out LocalField field)
    {
        foreach (var f in Fields[kind])
        {
            if (string.Equals(f.Name, name, StringComparison.Ordinal))
            {
                field = f;
                return true;
            }
        }

        field = null!;
        return false;
    }
}
