using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Mapping;

/// <summary>
/// Checks mappings against the portal's live property definitions: every property exists, its HubSpot type fits
/// the transform, nothing is written to a read-only or calculated property, the key property is unique. A missing
/// <em>outbound</em> property is a warning (<c>schema apply</c> creates it); a missing inbound one is an error.
/// </summary>
public static class MappingValidator
{
    /// <summary>The property every HubSpot object has and that always identifies a record.</summary>
    public const string ObjectIdProperty = "hs_object_id";

    /// <summary>
    /// Validates <paramref name="mappings"/> against <paramref name="propertiesByObject"/>, keyed by the mapping's
    /// HubSpot object (e.g. <c>deals</c>, <c>p123_projects</c>) or by the local object name (<c>deals</c>, <c>projects</c>).
    /// </summary>
    public static IReadOnlyList<MappingError> ValidateAgainstPortal(
        MappingSet mappings,
        IReadOnlyDictionary<string, IReadOnlyList<CrmPropertyDefinition>> propertiesByObject)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(propertiesByObject);
        var errors = new List<MappingError>();
        foreach (var mapping in mappings.Objects.Values.OrderBy(m => m.Kind))
        {
            if (!propertiesByObject.TryGetValue(mapping.HubSpotObject, out var definitions)
                && !propertiesByObject.TryGetValue(mapping.Kind.Plural(), out definitions))
            {
                errors.Add(mappings.ErrorAt(mapping.JsonPath + ".hubspotObject", $"HubSpot object '{mapping.HubSpotObject}' was not found in the portal"));
                continue;
            }

            var byName = new Dictionary<string, CrmPropertyDefinition>(StringComparer.Ordinal);
            foreach (var d in definitions)
            {
                byName[d.Name] = d;
            }

            ValidateKey(mappings, mapping, byName, errors);
            foreach (var filter in mapping.Filters)
            {
                if (!byName.ContainsKey(filter.Property))
                {
                    errors.Add(mappings.ErrorAt(filter.JsonPath + ".property", $"property '{filter.Property}' does not exist on HubSpot object '{mapping.HubSpotObject}'"));
                }
            }

            foreach (var field in mapping.Fields)
            {
                ValidateField(mappings, mapping, field, byName, errors);
            }
        }

        return errors;
    }

    /// <summary>The HubSpot property types a transform can read or write.</summary>
    public static IReadOnlyList<string> CompatibleHubSpotTypes(TransformKind transform) => transform switch
    {
        TransformKind.None => ["string", "enumeration", "number", "date", "datetime", "bool", "phone_number"],
        TransformKind.Number or TransformKind.Money => ["number"],
        TransformKind.Date or TransformKind.DateTime => ["date", "datetime"],
        TransformKind.Bool => ["bool", "enumeration"],
        TransformKind.EnumMap => ["enumeration", "string"],
        _ => [],
    };

    private static void ValidateKey(MappingSet mappings, ObjectMapping mapping, Dictionary<string, CrmPropertyDefinition> byName, List<MappingError> errors)
    {
        if (mapping.KeyProperty == ObjectIdProperty)
        {
            return;
        }

        if (!byName.TryGetValue(mapping.KeyProperty, out var key))
        {
            errors.Add(mappings.ErrorAt(mapping.JsonPath + ".keyProperty", $"key property '{mapping.KeyProperty}' does not exist on HubSpot object '{mapping.HubSpotObject}'"));
        }
        else if (!key.HasUniqueValue)
        {
            errors.Add(mappings.ErrorAt(mapping.JsonPath + ".keyProperty", $"key property '{mapping.KeyProperty}' does not have unique values (hasUniqueValue is false), so it cannot identify a record"));
        }
    }

    private static void ValidateField(
        MappingSet mappings, ObjectMapping mapping, FieldMapping field, Dictionary<string, CrmPropertyDefinition> byName, List<MappingError> errors)
    {
        if (!byName.TryGetValue(field.HubSpot, out var property))
        {
            errors.Add(field.IsInbound
                ? mappings.ErrorAt(field.JsonPath + ".hubspot", $"property '{field.HubSpot}' does not exist on HubSpot object '{mapping.HubSpotObject}'")
                : mappings.ErrorAt(
                    field.JsonPath + ".hubspot",
                    $"outbound property '{field.HubSpot}' does not exist on HubSpot object '{mapping.HubSpotObject}' yet; run `schema apply` to create it",
                    MappingSeverity.Warning));
            return;
        }

        var compatible = CompatibleHubSpotTypes(field.Transform.Kind);
        if (!compatible.Contains(property.Type, StringComparer.Ordinal)
            || (field.Transform.Kind == TransformKind.Bool && property.Type == "enumeration" && property.FieldType != "booleancheckbox"))
        {
            var at = field.Transform.Kind == TransformKind.None ? field.JsonPath + ".hubspot" : field.JsonPath + ".transform";
            errors.Add(mappings.ErrorAt(at, $"HubSpot property '{field.HubSpot}' is of type {property.Type} ({property.FieldType}), incompatible with transform '{field.Transform.Name}' (needs {string.Join(" or ", compatible)})"));
            return;
        }

        if (field.IsOutbound && (property.ReadOnlyValue || property.Calculated))
        {
            var why = property.Calculated ? "calculated by HubSpot" : "read-only";
            errors.Add(mappings.ErrorAt(field.JsonPath + ".direction", $"HubSpot property '{field.HubSpot}' is {why}; direction '{field.Direction.ToString().ToLowerInvariant()}' would write to it (use inbound)"));
            return;
        }

        var options = property.Options?.Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
        if (property.Type != "enumeration" || options is null || options.Count == 0)
        {
            return;
        }

        if (field.Transform.EnumMap is { } map)
        {
            foreach (var key in map.Keys.Where(k => !options.Contains(k)))
            {
                errors.Add(mappings.ErrorAt(JsonPositions.Child(field.JsonPath + ".transform.enum", key), $"'{key}' is not an option of HubSpot property '{field.HubSpot}' (options: {string.Join(", ", options)})"));
            }

            if (field.IsInbound)
            {
                foreach (var option in options.Where(o => !map.ContainsKey(o)))
                {
                    errors.Add(mappings.ErrorAt(field.JsonPath + ".transform", $"option '{option}' of HubSpot property '{field.HubSpot}' is not in the enum map; records holding it will be marked failing", MappingSeverity.Warning));
                }
            }
        }
        else if (field.LocalField is { Type: LocalFieldType.Enum, AllowedValues: { } allowed })
        {
            if (field.IsInbound)
            {
                foreach (var option in options.Where(o => !allowed.Contains(o, StringComparer.Ordinal)))
                {
                    errors.Add(mappings.ErrorAt(field.JsonPath + ".hubspot", $"option '{option}' of HubSpot property '{field.HubSpot}' is not a value of local field '{field.Local}' ({string.Join(", ", allowed)}); records holding it will be marked failing", MappingSeverity.Warning));
                }
            }

            if (field.IsOutbound)
            {
                foreach (var value in allowed.Where(v => !options.Contains(v)))
                {
                    errors.Add(mappings.ErrorAt(field.JsonPath + ".hubspot", $"local value '{value}' of '{field.Local}' is not an option of HubSpot property '{field.HubSpot}'; HubSpot would reject it"));
                }
            }
        }
    }
}
