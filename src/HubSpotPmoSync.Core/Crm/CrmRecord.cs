namespace HubSpotPmoSync.Core.Crm;

/// <summary>
/// One CRM record as HubSpot shows it: its id, its property values (always strings or null, as on the
/// wire) and its timestamps.
/// </summary>
/// <param name="Id">The HubSpot record id (a numeric string, treated as opaque).</param>
/// <param name="Properties">Property values keyed by HubSpot property name.</param>
/// <param name="CreatedAt">HubSpot's <c>createdAt</c>.</param>
/// <param name="UpdatedAt">HubSpot's <c>updatedAt</c> (mirrors <c>hs_lastmodifieddate</c>).</param>
/// <param name="Archived">Whether the record is archived (in HubSpot's recycle bin).</param>
/// <param name="ArchivedAt">When it was archived, for archived records.</param>
public sealed record CrmRecord(
    string Id,
    IReadOnlyDictionary<string, string?> Properties,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Archived = false,
    DateTimeOffset? ArchivedAt = null)
{
    /// <summary>Returns a property value, or null when absent or empty.</summary>
    public string? Get(string propertyName) =>
        Properties.TryGetValue(propertyName, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}

/// <summary>One page of records and the cursor that continues after it (null on the last page).</summary>
public sealed record CrmPage(IReadOnlyList<CrmRecord> Records, string? NextAfter);
