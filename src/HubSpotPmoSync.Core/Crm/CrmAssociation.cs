namespace HubSpotPmoSync.Core.Crm;

/// <summary>One association type on a link: HubSpot's category, type id and label (null when unlabelled).</summary>
public sealed record AssociationKind(string Category, int TypeId, string? Label)
{
    public const string HubSpotDefined = "HUBSPOT_DEFINED";
    public const string UserDefined = "USER_DEFINED";
}

/// <summary>A link from one record to another, with every association type it carries.</summary>
public sealed record CrmAssociationLink(string FromId, string ToId, IReadOnlyList<AssociationKind> Kinds);

/// <summary>A link to create. With no <paramref name="Kinds"/> HubSpot's default (unlabelled) type is used.</summary>
public sealed record CrmAssociationCreate(string FromId, string ToId, IReadOnlyList<AssociationKind>? Kinds = null);
