using System.Text.Json.Serialization;

namespace HubSpotPmoSync.HubSpot.Dtos;

/// <summary>Source-generated (reflection-free) JSON metadata for every wire shape the client reads or writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(FlexibleStringConverter)])]
[JsonSerializable(typeof(ObjectDto))]
[JsonSerializable(typeof(ObjectListResponseDto))]
[JsonSerializable(typeof(SearchResponseDto))]
[JsonSerializable(typeof(SearchRequestDto))]
[JsonSerializable(typeof(BatchObjectResponseDto))]
[JsonSerializable(typeof(BatchReadRequestDto))]
[JsonSerializable(typeof(BatchUpdateRequestDto))]
[JsonSerializable(typeof(BatchUpsertRequestDto))]
[JsonSerializable(typeof(BatchCreateRequestDto))]
[JsonSerializable(typeof(BatchArchiveRequestDto))]
[JsonSerializable(typeof(AssociationBatchReadRequestDto))]
[JsonSerializable(typeof(AssociationBatchReadResponseDto))]
[JsonSerializable(typeof(AssociationBatchCreateRequestDto))]
[JsonSerializable(typeof(AssociationBatchDefaultRequestDto))]
[JsonSerializable(typeof(AssociationBatchArchiveRequestDto))]
[JsonSerializable(typeof(AssociationBatchWriteResponseDto))]
[JsonSerializable(typeof(PropertyDto))]
[JsonSerializable(typeof(PropertyListResponseDto))]
[JsonSerializable(typeof(PropertyCreateDto))]
[JsonSerializable(typeof(PropertyUpdateDto))]
[JsonSerializable(typeof(PropertyGroupDto))]
[JsonSerializable(typeof(PropertyGroupListResponseDto))]
[JsonSerializable(typeof(PipelineListResponseDto))]
[JsonSerializable(typeof(SchemaDto))]
[JsonSerializable(typeof(SchemaListResponseDto))]
[JsonSerializable(typeof(SchemaCreateDto))]
[JsonSerializable(typeof(PropertyBatchCreateRequestDto))]
[JsonSerializable(typeof(EmptyRequestDto))]
[JsonSerializable(typeof(AssociationLabelListResponseDto))]
[JsonSerializable(typeof(DailyUsageResponseDto))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext
{
}
