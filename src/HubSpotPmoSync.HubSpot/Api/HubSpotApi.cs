namespace HubSpotPmoSync.HubSpot.Api;

/// <summary>The Refit interfaces of HubSpot's API groups, as one dependency of the client.</summary>
internal sealed class HubSpotApi(
    IHubSpotObjectsApi objects,
    IHubSpotSearchApi search,
    IHubSpotAssociationsApi associations,
    IHubSpotPropertiesApi properties,
    IHubSpotSchemasApi schemas,
    IHubSpotPipelinesApi pipelines,
    IHubSpotAccountApi account)
{
    public IHubSpotObjectsApi Objects { get; } = objects;

    public IHubSpotSearchApi Search { get; } = search;

    public IHubSpotAssociationsApi Associations { get; } = associations;

    public IHubSpotPropertiesApi Properties { get; } = properties;

    public IHubSpotSchemasApi Schemas { get; } = schemas;

    public IHubSpotPipelinesApi Pipelines { get; } = pipelines;

    public IHubSpotAccountApi Account { get; } = account;
}
