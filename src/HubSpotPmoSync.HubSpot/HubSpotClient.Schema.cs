using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The portal's schema: property definitions and groups, pipelines, custom object schemas.</summary>
internal sealed partial class HubSpotClient
{
    public Task<IReadOnlyList<CrmPropertyDefinition>> GetPropertiesAsync(string objectType, CancellationToken cancellationToken) =>
        ListPropertiesAsync(objectType, archived: false, cancellationToken);

    public Task<IReadOnlyList<CrmPropertyDefinition>> GetArchivedPropertiesAsync(string objectType, CancellationToken cancellationToken) =>
        ListPropertiesAsync(objectType, archived: true, cancellationToken);

    private async Task<IReadOnlyList<CrmPropertyDefinition>> ListPropertiesAsync(string objectType, bool archived, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var response = await SendAsync(
            Call("GET", "/crm/properties/{version}/{objectType}", HubSpotBudget.General, idempotent: true),
            (c, ct) => _api.Properties.ListAsync(V, objectType, archived ? "true" : null, c, ct),
            HubSpotJsonContext.Default.PropertyListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Select(HubSpotMapping.ToProperty).ToList();
    }

    public async Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(string objectType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var response = await SendAsync(
            Call("GET", "/crm/pipelines/{version}/{objectType}", HubSpotBudget.General, idempotent: true),
            (c, ct) => _api.Pipelines.ListAsync(V, objectType, c, ct),
            HubSpotJsonContext.Default.PipelineListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Where(p => p.Archived != true).OrderBy(p => p.DisplayOrder ?? 0).Select(HubSpotMapping.ToPipeline).ToList();
    }

    public async Task<IReadOnlyList<CrmObjectSchema>> GetSchemasAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            Call("GET", "/crm-object-schemas/{version}/schemas", HubSpotBudget.General, idempotent: true),
            (c, ct) => _api.Schemas.ListAsync(V, c, ct),
            HubSpotJsonContext.Default.SchemaListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Where(s => s.Archived != true).Select(HubSpotMapping.ToSchema).ToList();
    }

    public Task CreatePropertyGroupAsync(string objectType, CrmPropertyGroup group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var body = new PropertyGroupDto(group.Name, group.Label, group.DisplayOrder);
        return SendAsync(
            Call("POST", "/crm/properties/{version}/{objectType}/groups", HubSpotBudget.General, idempotent: false),
            (c, ct) => _api.Properties.CreateGroupAsync(V, objectType, body, c, ct),
            cancellationToken);
    }

    public async Task<IReadOnlyList<CrmPropertyGroup>> GetPropertyGroupsAsync(string objectType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var response = await SendAsync(
            Call("GET", "/crm/properties/{version}/{objectType}/groups", HubSpotBudget.General, idempotent: true),
            (c, ct) => _api.Properties.ListGroupsAsync(V, objectType, c, ct),
            HubSpotJsonContext.Default.PropertyGroupListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Select(g => new CrmPropertyGroup(g.Name, g.Label ?? g.Name, g.DisplayOrder ?? 0)).ToList();
    }

    public Task CreatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var body = HubSpotMapping.ToCreate(property);
        return SendAsync(
            Call("POST", "/crm/properties/{version}/{objectType}", HubSpotBudget.General, idempotent: false),
            (c, ct) => _api.Properties.CreateAsync(V, objectType, body, c, ct),
            cancellationToken);
    }

    public Task UpdatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var body = HubSpotMapping.ToUpdate(property);
        return SendAsync(
            Call("PATCH", "/crm/properties/{version}/{objectType}/{propertyName}", HubSpotBudget.General, idempotent: true),
            (c, ct) => _api.Properties.UpdateAsync(V, objectType, property.Name, body, c, ct),
            cancellationToken);
    }

    public async Task<CrmObjectSchema> CreateSchemaAsync(CrmObjectSchema schema, CancellationToken cancellationToken)
    {
        var body = HubSpotMapping.ToCreate(schema);
        var created = await SendAsync(
            Call("POST", "/crm-object-schemas/{version}/schemas", HubSpotBudget.General, idempotent: false),
            (c, ct) => _api.Schemas.CreateAsync(V, body, c, ct),
            HubSpotJsonContext.Default.SchemaDto,
            cancellationToken);
        return HubSpotMapping.ToSchema(created);
    }
}
