using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;

namespace HubSpotPmoSync.HubSpot;

/// <summary>Turns HubSpot's wire shapes into Core's records and back.</summary>
internal static class HubSpotMapping
{
    public static CrmRecord ToRecord(ObjectDto dto)
    {
        var properties = dto.Properties is null
            ? new Dictionary<string, string?>(StringComparer.Ordinal)
            : new Dictionary<string, string?>(dto.Properties, StringComparer.Ordinal);
        var createdAt = dto.CreatedAt ?? ParseTimestamp(properties, "createdate") ?? DateTimeOffset.UnixEpoch;
        var updatedAt = dto.UpdatedAt
            ?? ParseTimestamp(properties, "hs_lastmodifieddate")
            ?? ParseTimestamp(properties, "lastmodifieddate")
            ?? createdAt;
        return new CrmRecord(dto.Id, properties, createdAt, updatedAt, dto.Archived, dto.ArchivedAt);
    }

    /// <summary>
    /// A record's last-modified time in epoch milliseconds, from the property the search sorts on (as the
    /// search index sees it), falling back to <c>updatedAt</c>.
    /// </summary>
    public static long ModifiedMilliseconds(CrmRecord record, string lastModifiedProperty) =>
        (ParseTimestamp(record.Properties, lastModifiedProperty) ?? record.UpdatedAt).ToUnixTimeMilliseconds();

    /// <summary>Parses HubSpot's datetime property forms: ISO-8601 or epoch milliseconds.</summary>
    public static DateTimeOffset? ParseTimestamp(IReadOnlyDictionary<string, string?> properties, string name)
    {
        if (!properties.TryGetValue(name, out var text) || string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochMs))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(epochMs);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;
    }

    public static Dictionary<string, string?> ToWireProperties(IReadOnlyDictionary<string, string?> properties) =>
        // HubSpot clears a value with "" (null is not a documented way to clear).
        properties.ToDictionary(p => p.Key, p => (string?)(p.Value ?? string.Empty), StringComparer.Ordinal);

    public static CrmAssociationLink ToLink(string fromId, AssociationToDto to) =>
        new(fromId, to.ToObjectId, (to.AssociationTypes ?? []).Select(ToKind).ToList());

    public static AssociationKind ToKind(AssociationTypeDto type) =>
        new(type.Category ?? AssociationKind.HubSpotDefined, type.TypeId, type.Label);

    public static CrmPropertyDefinition ToProperty(PropertyDto dto) =>
        new(
            dto.Name,
            dto.Label ?? dto.Name,
            dto.Type ?? "string",
            dto.FieldType ?? "text",
            dto.GroupName ?? string.Empty,
            HasUniqueValue: dto.HasUniqueValue ?? false,
            ReadOnlyValue: dto.ModificationMetadata?.ReadOnlyValue ?? false,
            Calculated: dto.Calculated ?? false,
            HubSpotDefined: dto.HubspotDefined ?? false,
            Description: dto.Description,
            Options: dto.Options?.Where(o => o.Value is not null)
                .Select(o => new CrmPropertyOption(o.Value!, o.Label ?? o.Value!, o.DisplayOrder ?? 0, o.Hidden ?? false))
                .ToList());

    public static PropertyCreateDto ToCreate(CrmPropertyDefinition property) =>
        new(
            property.Name,
            property.Label,
            property.Type,
            property.FieldType,
            property.GroupName,
            property.Description,
            property.HasUniqueValue ? true : null,
            ToOptions(property.Options));

    public static PropertyUpdateDto ToUpdate(CrmPropertyDefinition property) =>
        new(property.Label, property.Type, property.FieldType, property.GroupName, property.Description, ToOptions(property.Options));

    public static CrmPipeline ToPipeline(PipelineDto dto) =>
        new(
            dto.Id,
            dto.Label ?? dto.Id,
            (dto.Stages ?? []).Where(s => s.Archived != true).OrderBy(s => s.DisplayOrder ?? 0).Select(ToStage).ToList());

    public static CrmPipelineStage ToStage(PipelineStageDto dto)
    {
        var metadata = dto.Metadata ?? [];
        var isClosed = (metadata.TryGetValue("isClosed", out var closed) && string.Equals(closed, "true", StringComparison.OrdinalIgnoreCase))
            || (metadata.TryGetValue("ticketState", out var state) && string.Equals(state, "CLOSED", StringComparison.OrdinalIgnoreCase));
        decimal? probability = metadata.TryGetValue("probability", out var p)
            && decimal.TryParse(p, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
                ? value
                : null;
        return new CrmPipelineStage(dto.Id, dto.Label ?? dto.Id, dto.DisplayOrder ?? 0, isClosed, probability);
    }

    public static CrmObjectSchema ToSchema(SchemaDto dto) =>
        new(
            dto.Name,
            dto.Labels?.Singular ?? dto.Name,
            dto.Labels?.Plural ?? dto.Name,
            dto.PrimaryDisplayProperty ?? string.Empty,
            dto.RequiredProperties ?? [],
            (dto.Properties ?? []).Select(ToProperty).ToList(),
            dto.AssociatedObjects
                ?? (dto.Associations ?? [])
                    .Select(a => a.FromObjectTypeId == dto.ObjectTypeId ? a.ToObjectTypeId : a.FromObjectTypeId)
                    .OfType<string>()
                    .Distinct(StringComparer.Ordinal)
                    .ToList(),
            dto.ObjectTypeId ?? string.Empty,
            dto.FullyQualifiedName ?? string.Empty);

    public static SchemaCreateDto ToCreate(CrmObjectSchema schema) =>
        new(
            schema.Name,
            new SchemaLabelsDto(schema.SingularLabel, schema.PluralLabel),
            schema.PrimaryDisplayProperty,
            schema.RequiredProperties.ToList(),
            [schema.PrimaryDisplayProperty],
            schema.Properties.Select(ToCreate).ToList(),
            schema.AssociatedObjects.ToList());

    /// <summary>The input keys a batch error names in its context (ids, trace ids …).</summary>
    public static IEnumerable<string> ErrorKeys(BatchErrorDto error)
    {
        if (error.Id is { Length: > 0 } id)
        {
            yield return id;
        }

        if (error.Context is null)
        {
            yield break;
        }

        foreach (var (name, value) in error.Context)
        {
            if (name is not ("ids" or "id" or "objectWriteTraceId" or "objectWriteTraceIds" or "idProperty" or "values"))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    if (ScalarText(item) is { } text)
                    {
                        yield return text;
                    }
                }
            }
            else if (ScalarText(value) is { } text)
            {
                yield return text;
            }
        }
    }

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    private static List<PropertyOptionDto>? ToOptions(IReadOnlyList<CrmPropertyOption>? options) =>
        options?.Select(o => new PropertyOptionDto(o.Label, o.Value, o.DisplayOrder, o.Hidden, null)).ToList();
}
