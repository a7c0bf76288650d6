using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubSpotPmoSync.HubSpot.Dtos;

// The wire shapes of HubSpot's CRM API (v3 objects, v4 associations, properties, pipelines, schemas).
// Internal on purpose: the public surface is Core's records, mapped by HubSpotMapping.

internal sealed record ObjectDto(
    string Id,
    Dictionary<string, string?>? Properties,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    bool Archived,
    DateTimeOffset? ArchivedAt,
    [property: JsonPropertyName("new")] bool? New,
    string? ObjectWriteTraceId);

internal sealed record PagingNextDto(string? After);

internal sealed record PagingDto(PagingNextDto? Next);

internal sealed record ObjectListResponseDto(List<ObjectDto>? Results, PagingDto? Paging);

internal sealed record SearchResponseDto(long Total, List<ObjectDto>? Results, PagingDto? Paging);

internal sealed record BatchErrorDto(
    string? Status,
    string? Category,
    string? SubCategory,
    string? Message,
    Dictionary<string, JsonElement>? Context,
    string? Id);

internal sealed record BatchObjectResponseDto(string? Status, List<ObjectDto>? Results, int? NumErrors, List<BatchErrorDto>? Errors);

internal sealed record IdInputDto(string Id);

internal sealed record BatchReadRequestDto(List<IdInputDto> Inputs, List<string> Properties, List<string> PropertiesWithHistory);

internal sealed record SearchFilterDto(string PropertyName, string Operator, string? Value);

internal sealed record SearchFilterGroupDto(List<SearchFilterDto> Filters);

internal sealed record SearchSortDto(string PropertyName, string Direction);

internal sealed record SearchRequestDto(
    List<SearchFilterGroupDto> FilterGroups,
    List<SearchSortDto> Sorts,
    List<string> Properties,
    int Limit,
    string? After);

internal sealed record UpdateInputDto(string Id, Dictionary<string, string?> Properties);

internal sealed record BatchUpdateRequestDto(List<UpdateInputDto> Inputs);

internal sealed record UpsertInputDto(string Id, string IdProperty, Dictionary<string, string?> Properties);

internal sealed record BatchUpsertRequestDto(List<UpsertInputDto> Inputs);

internal sealed record CreateInputDto(Dictionary<string, string?> Properties, string? ObjectWriteTraceId);

internal sealed record BatchCreateRequestDto(List<CreateInputDto> Inputs);

internal sealed record BatchArchiveRequestDto(List<IdInputDto> Inputs);

internal sealed record AssociationReadInputDto(string Id, string? After);

internal sealed record AssociationBatchReadRequestDto(List<AssociationReadInputDto> Inputs);

internal sealed record AssociationTypeDto(string? Category, int TypeId, string? Label);

internal sealed record AssociationToDto(string ToObjectId, List<AssociationTypeDto>? AssociationTypes);

internal sealed record AssociationResultDto(IdInputDto From, List<AssociationToDto>? To, PagingDto? Paging);

internal sealed record AssociationBatchReadResponseDto(
    string? Status, List<AssociationResultDto>? Results, int? NumErrors, List<BatchErrorDto>? Errors);

internal sealed record AssociationSpecDto(string AssociationCategory, int AssociationTypeId);

internal sealed record AssociationCreateInputDto(IdInputDto From, IdInputDto To, List<AssociationSpecDto> Types);

internal sealed record AssociationBatchCreateRequestDto(List<AssociationCreateInputDto> Inputs);

internal sealed record AssociationDefaultInputDto(IdInputDto From, IdInputDto To);

internal sealed record AssociationBatchDefaultRequestDto(List<AssociationDefaultInputDto> Inputs);

internal sealed record AssociationArchiveInputDto(IdInputDto From, List<IdInputDto> To);

internal sealed record AssociationBatchArchiveRequestDto(List<AssociationArchiveInputDto> Inputs);

internal sealed record AssociationBatchWriteResponseDto(string? Status, int? NumErrors, List<BatchErrorDto>? Errors);

internal sealed record PropertyOptionDto(string? Label, string? Value, int? DisplayOrder, bool? Hidden, string? Description);

internal sealed record ModificationMetadataDto(bool? Archivable, bool? ReadOnlyDefinition, bool? ReadOnlyValue);

internal sealed record PropertyDto(
    string Name,
    string? Label,
    string? Type,
    string? FieldType,
    string? GroupName,
    string? Description,
    bool? HasUniqueValue,
    bool? Calculated,
    bool? HubspotDefined,
    List<PropertyOptionDto>? Options,
    ModificationMetadataDto? ModificationMetadata);

internal sealed record PropertyListResponseDto(List<PropertyDto>? Results);

internal sealed record PropertyCreateDto(
    string Name,
    string Label,
    string Type,
    string FieldType,
    string GroupName,
    string? Description,
    bool? HasUniqueValue,
    List<PropertyOptionDto>? Options);

internal sealed record PropertyUpdateDto(
    string Label,
    string Type,
    string FieldType,
    string GroupName,
    string? Description,
    List<PropertyOptionDto>? Options);

internal sealed record PropertyGroupDto(string Name, string? Label, int? DisplayOrder);

internal sealed record PropertyGroupListResponseDto(List<PropertyGroupDto>? Results);

internal sealed record PipelineStageDto(string Id, string? Label, int? DisplayOrder, Dictionary<string, string?>? Metadata, bool? Archived);

internal sealed record PipelineDto(string Id, string? Label, int? DisplayOrder, List<PipelineStageDto>? Stages, bool? Archived);

internal sealed record PipelineListResponseDto(List<PipelineDto>? Results);

internal sealed record SchemaLabelsDto(string? Singular, string? Plural);

internal sealed record SchemaAssociationDto(string? Id, string? FromObjectTypeId, string? ToObjectTypeId, string? Name);

internal sealed record SchemaDto(
    string? Id,
    string? ObjectTypeId,
    string? FullyQualifiedName,
    string Name,
    SchemaLabelsDto? Labels,
    string? PrimaryDisplayProperty,
    List<string>? RequiredProperties,
    List<PropertyDto>? Properties,
    List<SchemaAssociationDto>? Associations,
    List<string>? AssociatedObjects,
    bool? Archived);

internal sealed record SchemaListResponseDto(List<SchemaDto>? Results);

internal sealed record SchemaCreateDto(
    string Name,
    SchemaLabelsDto Labels,
    string PrimaryDisplayProperty,
    List<string> RequiredProperties,
    List<string> SearchableProperties,
    List<PropertyCreateDto> Properties,
    List<string> AssociatedObjects);

internal sealed record PropertyBatchCreateRequestDto(List<PropertyCreateDto> Inputs);

/// <summary>An empty JSON object, <c>{}</c> (the custom-schema scope probe's body).</summary>
internal sealed record EmptyRequestDto;

internal sealed record AssociationLabelListResponseDto(List<AssociationTypeDto>? Results);

internal sealed record DailyUsageDto(string? Name, long? UsageLimit, long? CurrentUsage, DateTimeOffset? CollectedAt, string? FetchStatus, DateTimeOffset? ResetsAt);

internal sealed record DailyUsageResponseDto(List<DailyUsageDto>? Results);
