using System.Globalization;

namespace HubSpotPmoSync.Emulator.Model;

/// <summary>HubSpot's standard objects, their default properties and pipelines, and the HubSpot-defined association types.</summary>
internal sealed partial class CrmStore
{
    /// <summary>The portal's users, as options of <c>hubspot_owner_id</c>.</summary>
    public static readonly IReadOnlyList<(string Id, string Name)> Owners =
    [
        ("70000001", "Alex Morgan"), ("70000002", "Sam Becker"), ("70000003", "Ines Laurent"), ("70000004", "Tom Riley"),
        ("70000005", "Marta Novak"), ("70000006", "Jonas Weber"),
    ];

    /// <summary>HubSpot-defined association types: from, to, unlabelled id and its inverse, primary id and its inverse.</summary>
    private static readonly (string From, string To, int Unlabelled, int InverseUnlabelled, int Primary, int InversePrimary)[] DefinedPairs =
    [
        ("contacts", "companies", 279, 280, 1, 2),
        ("deals", "companies", 341, 342, 5, 6),
        ("tickets", "companies", 339, 340, 26, 25),
        ("deals", "contacts", 3, 4, 0, 0),
        ("tickets", "contacts", 16, 15, 0, 0),
        ("deals", "tickets", 27, 28, 0, 0),
        ("projects", "deals", 1238, 1239, 0, 0),
        ("projects", "companies", 1236, 1237, 0, 0),
        ("projects", "tickets", 1240, 1241, 0, 0),
        ("projects", "contacts", 1242, 1243, 0, 0),
    ];

    private static readonly (string Type, int Id)[] SelfPairs =
        [("contacts", 449), ("companies", 450), ("deals", 451), ("tickets", 452)];

    private void DefineStandardCatalog()
    {
        var contacts = AddType(new ObjectTypeDef
        {
            Key = _types.Count, ObjectTypeId = "0-1", Name = "contacts", Singular = "contact", LabelSingular = "Contact",
            LabelPlural = "Contacts", LastModifiedProperty = "lastmodifieddate", PrimaryDisplayProperty = "email",
            DefaultProperties = ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
            QueryProperties = ["firstname", "lastname", "email", "phone", "hs_additional_emails", "fax", "mobilephone", "company"],
        }, "0-1");
        StandardProps(contacts, "contactinformation", "Contact information");
        Prop(contacts, "email", "Email", "string", "text", unique: true);
        Prop(contacts, "firstname", "First name", "string", "text");
        Prop(contacts, "lastname", "Last name", "string", "text");
        Prop(contacts, "phone", "Phone number", "string", "phonenumber");
        Prop(contacts, "mobilephone", "Mobile phone number", "string", "phonenumber");
        Prop(contacts, "company", "Company name", "string", "text");
        Prop(contacts, "jobtitle", "Job title", "string", "text");
        Prop(contacts, "lifecyclestage", "Lifecycle stage", "enumeration", "radio",
            options: ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"]);
        OwnerProp(contacts);

        var companies = AddType(new ObjectTypeDef
        {
            Key = _types.Count, ObjectTypeId = "0-2", Name = "companies", Singular = "company", LabelSingular = "Company",
            LabelPlural = "Companies", PrimaryDisplayProperty = "name", RequiredAnyOf = ["name", "domain"],
            DefaultProperties = ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
            QueryProperties = ["website", "phone", "name", "domain"],
        });
        StandardProps(companies, "companyinformation", "Company information");
        Prop(companies, "name", "Company name", "string", "text");
        Prop(companies, "domain", "Company domain name", "string", "text");
        Prop(companies, "website", "Website URL", "string", "text");
        Prop(companies, "phone", "Phone number", "string", "phonenumber");
        Prop(companies, "city", "City", "string", "text");
        Prop(companies, "country", "Country/Region", "string", "text");
        Prop(companies, "description", "Description", "string", "textarea");
        Prop(companies, "numberofemployees", "Number of employees", "number", "number");
        Prop(companies, "annualrevenue", "Annual revenue", "number", "number");
        Prop(companies, "industry", "Industry", "enumeration", "select", options:
            ["ACCOUNTING", "COMPUTER_SOFTWARE", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE", "MARKETING_AND_ADVERTISING",
             "RETAIL", "CONSTRUCTION", "EDUCATION_MANAGEMENT", "AUTOMOTIVE", "FOOD_BEVERAGES", "LOGISTICS_AND_SUPPLY_CHAIN",
             "TELECOMMUNICATIONS", "INSURANCE", "REAL_ESTATE", "NONPROFIT_ORGANIZATION_MANAGEMENT"]);
        OwnerProp(companies);

        var deals = AddType(new ObjectTypeDef
        {
            Key = _types.Count, ObjectTypeId = "0-3", Name = "deals", Singular = "deal", LabelSingular = "Deal", LabelPlural = "Deals",
            PrimaryDisplayProperty = "dealname", RequiredProperties = ["dealname", "pipeline", "dealstage"],
            PipelineProperty = "pipeline", StageProperty = "dealstage",
            DefaultProperties = ["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"],
            QueryProperties = ["dealname", "pipeline", "dealstage", "description", "dealtype"],
        });
        StandardProps(deals, "dealinformation", "Deal information");
        Prop(deals, "dealname", "Deal name", "string", "text");
        Prop(deals, "amount", "Amount", "number", "number");
        Prop(deals, "closedate", "Close date", "datetime", "date");
        Prop(deals, "pipeline", "Pipeline", "enumeration", "select");
        Prop(deals, "dealstage", "Deal stage", "enumeration", "radio");
        Prop(deals, "deal_currency_code", "Currency", "enumeration", "select", options: ["EUR", "USD", "GBP", "CHF", "SEK", "DKK", "PLN"]);
        Prop(deals, "dealtype", "Deal type", "enumeration", "radio", options: ["newbusiness", "existingbusiness"]);
        Prop(deals, "description", "Deal description", "string", "textarea");
        Prop(deals, "hs_deal_stage_probability", "Deal probability", "number", "number", readOnly: true, derived: true);
        OwnerProp(deals);
        var dealPipeline = NewPipeline("default", "Sales Pipeline", 0);
        (string Id, string Label, string Probability, bool Closed)[] dealStages =
        [
            ("appointmentscheduled", "Appointment Scheduled", "0.2", false), ("qualifiedtobuy", "Qualified To Buy", "0.4", false),
            ("presentationscheduled", "Presentation Scheduled", "0.6", false), ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", false),
            ("contractsent", "Contract Sent", "0.9", false), ("closedwon", "Closed Won", "1.0", true), ("closedlost", "Closed Lost", "0.0", true),
        ];
        foreach (var (id, label, probability, closed) in dealStages)
        {
            dealPipeline.Stages.Add(NewStage(id, label, dealPipeline.Stages.Count,
                new() { ["isClosed"] = closed ? "true" : "false", ["probability"] = probability }));
        }

        deals.Pipelines.Add(dealPipeline);

        var tickets = AddType(new ObjectTypeDef
        {
            Key = _types.Count, ObjectTypeId = "0-5", Name = "tickets", Singular = "ticket", LabelSingular = "Ticket", LabelPlural = "Tickets",
            PrimaryDisplayProperty = "subject", RequiredProperties = ["subject", "hs_pipeline", "hs_pipeline_stage"],
            PipelineProperty = "hs_pipeline", StageProperty = "hs_pipeline_stage",
            DefaultProperties = ["content", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_pipeline", "hs_pipeline_stage",
                "hs_ticket_category", "hs_ticket_priority", "subject"],
            QueryProperties = ["subject", "content", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_id"],
        });
        StandardProps(tickets, "ticketinformation", "Ticket information");
        Prop(tickets, "subject", "Ticket name", "string", "text");
        Prop(tickets, "content", "Ticket description", "string", "textarea");
        Prop(tickets, "hs_pipeline", "Pipeline", "enumeration", "select");
        Prop(tickets, "hs_pipeline_stage", "Ticket status", "enumeration", "select");
        Prop(tickets, "hs_ticket_priority", "Priority", "enumeration", "select", options: ["LOW", "MEDIUM", "HIGH", "URGENT"]);
        Prop(tickets, "hs_ticket_category", "Category", "enumeration", "checkbox",
            options: ["PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"]);
        Prop(tickets, "closed_date", "Close date", "datetime", "date");
        Prop(tickets, "hs_ticket_id", "Ticket ID", "number", "number", readOnly: true, derived: true);
        OwnerProp(tickets);
        var ticketPipeline = NewPipeline("0", "Support Pipeline", 0);
        (string Id, string Label, string State)[] ticketStages =
            [("1", "New", "OPEN"), ("2", "Waiting on contact", "OPEN"), ("3", "Waiting on us", "OPEN"), ("4", "Closed", "CLOSED")];
        foreach (var (id, label, state) in ticketStages)
        {
            ticketPipeline.Stages.Add(NewStage(id, label, ticketPipeline.Stages.Count,
                new() { ["ticketState"] = state, ["isClosed"] = state == "CLOSED" ? "true" : "false" }));
        }

        tickets.Pipelines.Add(ticketPipeline);

        var projects = AddType(new ObjectTypeDef
        {
            Key = _types.Count, ObjectTypeId = "0-970", Name = "projects", Singular = "project", LabelSingular = "Project",
            LabelPlural = "Projects", PrimaryDisplayProperty = "hs_name", RequiredProperties = ["hs_name", "hs_pipeline", "hs_pipeline_stage"],
            PipelineProperty = "hs_pipeline", StageProperty = "hs_pipeline_stage",
            DefaultProperties = ["createdate", "hs_lastmodifieddate", "hs_name", "hs_object_id", "hs_pipeline", "hs_pipeline_stage"],
            QueryProperties = ["hs_name", "hs_description"],
        });
        StandardProps(projects, "projectinformation", "Project information");
        Prop(projects, "hs_name", "Project name", "string", "text");
        Prop(projects, "hs_description", "Description", "string", "textarea");
        Prop(projects, "hs_pipeline", "Pipeline", "enumeration", "select");
        Prop(projects, "hs_pipeline_stage", "Stage", "enumeration", "select");
        Prop(projects, "hs_target_due_date", "Target due date", "date", "date");
        OwnerProp(projects);
        var projectPipeline = NewPipeline("default", "Projects Pipeline", 0);
        (string Id, string Label, bool Closed)[] projectStages =
        [
            ("planned", "Planned", false), ("in_progress", "In progress", false), ("on_hold", "On hold", false),
            ("completed", "Completed", true), ("cancelled", "Cancelled", true),
        ];
        foreach (var (id, label, closed) in projectStages)
        {
            projectPipeline.Stages.Add(NewStage(id, label, projectPipeline.Stages.Count, new() { ["isClosed"] = closed ? "true" : "false" }));
        }

        projects.Pipelines.Add(projectPipeline);

        foreach (var (from, to, unlabelled, inverseUnlabelled, primary, inversePrimary) in DefinedPairs)
        {
            var f = ResolveType(from);
            var t = ResolveType(to);
            DefinePair(f, t, unlabelled, inverseUnlabelled, primary != 0);
            if (primary != 0)
            {
                DefineType(f, t, primary, "HUBSPOT_DEFINED", "Primary", $"{f.Singular}_to_{t.Singular}", inversePrimary).ConstrainsFrom = true;
                DefineType(t, f, inversePrimary, "HUBSPOT_DEFINED", "Primary", $"{t.Singular}_to_{f.Singular}", primary);
            }
        }

        foreach (var (type, id) in SelfPairs)
        {
            var t = ResolveType(type);
            DefineType(t, t, id, "HUBSPOT_DEFINED", null, $"{t.Singular}_to_{t.Singular}", id);
        }

        DefineType(companies, companies, 13, "HUBSPOT_DEFINED", "Child Company", "parent_to_child_company", 14);
        DefineType(companies, companies, 14, "HUBSPOT_DEFINED", "Parent Company", "child_to_parent_company", 13);
    }

    /// <summary>Defines the unlabelled association type of a pair in both directions.</summary>
    public void DefinePair(ObjectTypeDef from, ObjectTypeDef to, int id, int inverseId, bool hasPrimary)
    {
        var suffix = hasPrimary ? "_unlabeled" : string.Empty;
        DefineType(from, to, id, "HUBSPOT_DEFINED", null, $"{from.Singular}_to_{to.Singular}{suffix}", inverseId);
        DefineType(to, from, inverseId, "HUBSPOT_DEFINED", null, $"{to.Singular}_to_{from.Singular}{suffix}", id);
    }

    public AssocTypeDef DefineType(ObjectTypeDef from, ObjectTypeDef to, int id, string category, string? label, string name, int inverse)
    {
        var def = new AssocTypeDef
        {
            TypeId = id, FromKey = from.Key, ToKey = to.Key, Category = category, Label = label, Name = name, InverseTypeId = inverse,
        };
        AssocTypes[id] = def;
        return def;
    }

    public IEnumerable<AssocTypeDef> PairTypes(ObjectTypeDef from, ObjectTypeDef to) =>
        AssocTypes.Values.Where(d => d.FromKey == from.Key && d.ToKey == to.Key).OrderBy(d => d.TypeId);

    public AssocTypeDef? UnlabelledType(ObjectTypeDef from, ObjectTypeDef to) =>
        PairTypes(from, to).FirstOrDefault(d => d.IsUnlabelled && (from.Key != to.Key || d.Label is null));

    private void StandardProps(ObjectTypeDef t, string group, string groupLabel)
    {
        t.Groups[group] = new PropertyGroup(group, groupLabel, 0, false);
        Prop(t, "hs_object_id", "Record ID", "number", "number", readOnly: true, derived: true);
        Prop(t, "createdate", "Create date", "datetime", "date", readOnly: true, derived: true);
        Prop(t, t.LastModifiedProperty, "Last modified date", "datetime", "date", readOnly: true, derived: true);

        // Set by a merge on the survivor: the ids merged into it, ';'-separated (API-FACTS §5, §9).
        Prop(t, MergedIdsProperty, "Merged record IDs", "enumeration", "checkbox", readOnly: true);
    }

    private void OwnerProp(ObjectTypeDef t)
    {
        var p = Prop(t, "hubspot_owner_id", "Owner", "enumeration", "select");
        p.Options = [.. Owners.Select((o, i) => new PropertyOption(o.Name, o.Id, i, false, null))];
    }

    private PropertyDef Prop(ObjectTypeDef t, string name, string label, string type, string fieldType, bool unique = false,
        bool readOnly = false, bool derived = false, string[]? options = null)
    {
        var group = t.Groups.Keys.First();
        var p = new PropertyDef
        {
            Name = name, Label = label, Type = type, FieldType = fieldType, GroupName = group, HasUniqueValue = unique,
            HubspotDefined = true, ReadOnlyValue = readOnly, Calculated = derived && name != "hs_object_id" && name != "createdate",
            Slot = derived ? -1 : t.NextSlot(), CreatedAt = 0, UpdatedAt = 0, DisplayOrder = -1,
            Options = options is null ? [] : [.. options.Select((o, i) => new PropertyOption(Labelize(o), o, i, false, null))],
        };
        t.Properties[name] = p;
        if (unique)
        {
            t.Unique[name] = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        }

        return p;
    }

    private static string Labelize(string value) =>
        value.Length == 0 ? value : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(value.Replace('_', ' ').ToLowerInvariant());

    private static Pipeline NewPipeline(string id, string label, int order) =>
        new() { Id = id, Label = label, DisplayOrder = order, CreatedAt = 0, UpdatedAt = 0 };

    private static PipelineStage NewStage(string id, string label, int order, Dictionary<string, string> metadata) =>
        new() { Id = id, Label = label, DisplayOrder = order, Metadata = metadata, CreatedAt = 0, UpdatedAt = 0 };

    /// <summary>Adds a user property (API create, schema create or seeding). The caller has validated it.</summary>
    public PropertyDef AddUserProperty(ObjectTypeDef t, string name, string label, string type, string fieldType, string group,
        bool unique, List<PropertyOption> options, string description, int displayOrder, bool hidden, bool formField, long now)
    {
        var p = new PropertyDef
        {
            Name = name, Label = label, Type = type, FieldType = fieldType, GroupName = group, HasUniqueValue = unique,
            Options = options, Description = description, DisplayOrder = displayOrder, Hidden = hidden, FormField = formField,
            Slot = t.NextSlot(), CreatedAt = now, UpdatedAt = now,
        };
        t.Properties[name] = p;
        if (unique)
        {
            t.Unique[name] = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        }

        return p;
    }

    /// <summary>Creates a custom object type (schemas API): <c>2-N</c>, <c>p{portalId}_{name}</c>.</summary>
    public ObjectTypeDef AddCustomType(string name, string singular, string plural, long now)
    {
        var id = _nextSchemaId++;
        var t = AddType(new ObjectTypeDef
        {
            Key = _types.Count, ObjectTypeId = $"2-{id}", Name = name, Singular = name, IsCustom = true, SchemaId = id,
            FullyQualifiedName = $"p{PortalId}_{name}", LabelSingular = singular, LabelPlural = plural, CreatedAt = now, UpdatedAt = now,
            DefaultProperties = ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
        });
        t.Groups[$"{name}_information"] = new PropertyGroup($"{name}_information", $"{singular} information", 0, false);
        Prop(t, "hs_object_id", "Record ID", "number", "number", readOnly: true, derived: true);
        Prop(t, "hs_createdate", "Create date", "datetime", "date", readOnly: true, derived: true);
        Prop(t, "createdate", "Create date", "datetime", "date", readOnly: true, derived: true);
        Prop(t, "hs_lastmodifieddate", "Last modified date", "datetime", "date", readOnly: true, derived: true);
        return t;
    }
}
