namespace HubSpotPmoSync.Core.Crm;

/// <summary>HubSpot's object type names and ids used by the product.</summary>
public static class CrmObjectTypes
{
    public const string Contacts = "contacts";
    public const string Companies = "companies";
    public const string Deals = "deals";
    public const string Tickets = "tickets";

    /// <summary>HubSpot's native Projects object (objectTypeId <c>0-970</c>).</summary>
    public const string Projects = "projects";

    /// <summary>The property that orders incremental reads (contacts use <c>lastmodifieddate</c>).</summary>
    public static string LastModifiedProperty(string objectType) =>
        objectType is Contacts or "0-1" ? "lastmodifieddate" : "hs_lastmodifieddate";
}
