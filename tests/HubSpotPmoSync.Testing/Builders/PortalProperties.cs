using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Testing.Builders;

/// <summary>The property definitions of the emulator's seed portal (before <c>schema apply</c> adds the outbound ones).</summary>
public static class PortalProperties
{
    public static Dictionary<string, IReadOnlyList<CrmPropertyDefinition>> Seed() => new(StringComparer.Ordinal)
    {
        [CrmObjectTypes.Companies] =
        [
            .. System("companyinformation"),
            Text("name", "companyinformation"),
            Text("domain", "companyinformation"),
            Enum("industry", "companyinformation", "COMPUTER_SOFTWARE", "MARKETING_AND_ADVERTISING"),
        ],
        [CrmObjectTypes.Deals] =
        [
            .. System("dealinformation"),
            Text("dealname", "dealinformation"),
            Number("amount", "dealinformation"),
            Enum("deal_currency_code", "dealinformation", "USD", "EUR", "GBP"),
            new("closedate", "Close date", "datetime", "date", "dealinformation", HubSpotDefined: true),
            Enum("pipeline", "dealinformation", "default"),
            Enum("dealstage", "dealinformation", "appointmentscheduled", "qualifiedtobuy", "contractsent", "closedwon", "closedlost"),
            Enum("hubspot_owner_id", "dealinformation", "9001"),
            new("hs_deal_stage_probability", "Probability", "number", "number", "dealinformation", ReadOnlyValue: true, Calculated: true, HubSpotDefined: true),
        ],
        [CrmObjectTypes.Tickets] =
        [
            .. System("ticketinformation"),
            Text("subject", "ticketinformation"),
            Text("content", "ticketinformation"),
            Enum("hs_ticket_priority", "ticketinformation", "LOW", "MEDIUM", "HIGH", "URGENT"),
            Enum("hs_pipeline", "ticketinformation", "0"),
            Enum("hs_pipeline_stage", "ticketinformation", "1", "2", "3", "4"),
            new("closed_date", "Close date", "datetime", "date", "ticketinformation", ReadOnlyValue: true, HubSpotDefined: true),
        ],
        [CrmObjectTypes.Projects] =
        [
            .. System("projectinformation"),
            Text("hs_name", "projectinformation"),
            Enum("hs_pipeline", "projectinformation", "projects-default"),
            Enum("hs_pipeline_stage", "projectinformation", "planned", "in-progress", "done"),
            new("project_code", "Project code", "string", "text", "projectinformation", HasUniqueValue: true),
            Number("project_budget", "projectinformation"),
            Enum("project_currency", "projectinformation", "USD", "EUR", "GBP"),
            new("project_start_date", "Start date", "date", "date", "projectinformation"),
            new("project_due_date", "Due date", "date", "date", "projectinformation"),
            Number("project_percent_complete", "projectinformation"),
            Enum("project_status", "projectinformation", "planned", "active", "on_hold", "completed", "cancelled"),
        ],
    };

    private static CrmPropertyDefinition[] System(string group) =>
    [
        new("hs_object_id", "Record ID", "number", "number", group, HasUniqueValue: true, ReadOnlyValue: true, HubSpotDefined: true),
        new("createdate", "Create date", "datetime", "date", group, ReadOnlyValue: true, HubSpotDefined: true),
        new("hs_lastmodifieddate", "Last modified", "datetime", "date", group, ReadOnlyValue: true, HubSpotDefined: true),
    ];

    private static CrmPropertyDefinition Text(string name, string group) => new(name, name, "string", "text", group);

    private static CrmPropertyDefinition Number(string name, string group) => new(name, name, "number", "number", group);

    private static CrmPropertyDefinition Enum(string name, string group, params string[] values) =>
        new(name, name, "enumeration", "select", group, Options: values.Select((v, i) => new CrmPropertyOption(v, v, i)).ToList());
}
