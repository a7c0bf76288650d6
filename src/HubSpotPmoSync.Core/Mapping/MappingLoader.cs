using System.Text.Json;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Mapping;

/// <summary>
/// Reads <c>config/mappings.json</c> and checks it against the local model. Every problem is reported (not just
/// the first) with the file, the JSON path, the line and column, and the reason; the mappings are returned only
/// when there is no error.
/// </summary>
public static partial class MappingLoader
{
    private static readonly string[] TopLevelKeys = ["$schema", "objects", "associations"];
    private static readonly string[] ObjectKeys = ["hubspotObject", "keyProperty", "filters", "fields"];
    private static readonly string[] FieldKeys = ["hubspot", "local", "direction", "conflict", "transform"];
    private static readonly string[] FilterKeys = ["property", "in"];
    private static readonly string[] AssociationKeys = ["from", "to"];

    /// <summary>Reads and validates a mappings file.</summary>
    public static MappingLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : "cannot read the file: " + e.Message;
            return new MappingLoadResult(null, [new MappingError(path, "$", null, null, reason)]);
        }

        return Parse(path, bytes);
    }

    /// <summary>Validates mappings given as UTF-8 bytes; <paramref name="file"/> names them in errors.</summary>
    public static MappingLoadResult Parse(string file, byte[] utf8)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(utf8);
        if (utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF)
        {
            utf8 = utf8[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (int)l + 1 : (int?)null;
            var column = e.BytePositionInLine is { } c ? (int)c + 1 : (int?)null;
            return new MappingLoadResult(null, [new MappingError(file, e.Path ?? "$", line, column, "invalid JSON: " + FirstSentence(e.Message))]);
        }

        using (document)
        {
            var reader = new Reader(file, JsonPositions.Build(utf8));
            var set = reader.Read(document.RootElement);
            return new MappingLoadResult(reader.Errors.Any(e => e.IsError) ? null : set, reader.Errors);
        }
    }

    /// <summary>Whether <paramref name="hubSpotObject"/> names a HubSpot object that can hold <paramref name="kind"/>.</summary>
    public static bool IsValidHubSpotObject(EntityKind kind, string hubSpotObject) => kind switch
    {
        EntityKind.Company => hubSpotObject is "companies" or "company" or "0-2",
        EntityKind.Deal => hubSpotObject is "deals" or "deal" or "0-3",
        EntityKind.Ticket => hubSpotObject is "tickets" or "ticket" or "0-5",
        EntityKind.Project => hubSpotObject is "projects" or "0-970" || CustomObjectPattern().IsMatch(hubSpotObject),
        _ => false,
    };

    /// <summary>The transforms allowed for a local field type (<see cref="TransformKind.None"/> = no transform).</summary>
    public static IReadOnlyList<TransformKind> AllowedTransforms(LocalFieldType type) => type switch
    {
        LocalFieldType.Text => [TransformKind.None],
        LocalFieldType.Enum => [TransformKind.None, TransformKind.EnumMap],
        LocalFieldType.Number => [TransformKind.Number],
        LocalFieldType.Money => [TransformKind.Money, TransformKind.Number],
        LocalFieldType.Date => [TransformKind.Date],
        LocalFieldType.DateTime => [TransformKind.DateTime],
        LocalFieldType.Bool => [TransformKind.Bool],
        _ => [],
    };

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends the position and advice about reader options; the error gives the position itself.
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message.TrimEnd();
    }

    [GeneratedRegex("^(2-[0-9]+|p[0-9]+_[A-Za-z][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomObjectPattern();

    private sealed class Reader(string file, Dictionary<string, (int Line, int Column)> positions)
    {
        public List<MappingError> Errors { get; } = [];

        public MappingSet Read(JsonElement root)
        {
            var objects = new Dictionary<EntityKind, ObjectMapping>();
            var pairs = new List<AssociationPair>();
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", $"the mappings must be a JSON object, not {Describe(root)}");
                return new MappingSet(file, objects, pairs, positions);
            }

            UnknownKeys(root, "$", TopLevelKeys);
            if (!root.TryGetProperty("objects", out var objectsElement))
            {
                Error("$", "missing required property 'objects'");
            }
            else if (objectsElement.ValueKind != JsonValueKind.Object)
            {
                Error("$.objects", $"'objects' must be an object keyed by companies, deals, tickets, projects, not {Describe(objectsElement)}");
            }
            else
            {
                foreach (var property in objectsElement.EnumerateObject())
                {
                    var path = JsonPositions.Child("$.objects", property.Name);
                    if (!TryParseObjectName(property.Name, out var kind))
                    {
                        Error(path, $"unknown object '{property.Name}'; expected one of companies, deals, tickets, projects");
                        continue;
                    }

                    if (objects.ContainsKey(kind))
                    {
                        Error(path, $"object '{kind.Plural()}' is mapped twice");
                        continue;
                    }

                    if (ReadObject(kind, property.Value, path) is { } mapping)
                    {
                        objects[kind] = mapping;
                    }
                }

                if (!objectsElement.EnumerateObject().Any())
                {
                    Error("$.objects", "no object is mapped; map at least one of companies, deals, tickets, projects");
                }
            }

            if (root.TryGetProperty("associations", out var associations))
            {
                ReadAssociations(associations, objectsElement.ValueKind == JsonValueKind.Object ? objectsElement : default, pairs);
            }

            return new MappingSet(file, objects, pairs, positions);
        }

        private static bool TryParseObjectName(string name, out EntityKind kind)
        {
            foreach (var k in EntityKinds.All)
            {
                if (string.Equals(k.Plural(), name, StringComparison.Ordinal))
                {
                    kind = k;
                    return true;
                }
            }

            kind = default;
            return false;
        }

        private ObjectMapping? ReadObject(EntityKind kind, JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"object mapping must be a JSON object, not {Describe(element)}");
                return null;
            }

            UnknownKeys(element, path, ObjectKeys);
            var ok = true;
            var hubSpotObject = RequiredString(element, path, "hubspotObject");
            if (hubSpotObject is not null && !IsValidHubSpotObject(kind, hubSpotObject))
            {
                var expected = kind == EntityKind.Project
                    ? "'projects' (HubSpot's native object, 0-970), a custom object id '2-N' or its fully qualified name 'p{portalId}_{name}'"
                    : $"'{kind.Plural()}' or its object type id";
                Error(path + ".hubspotObject", $"'{hubSpotObject}' is not a HubSpot object for {kind.Plural()}; expected {expected}");
                ok = false;
            }

            var keyProperty = RequiredString(element, path, "keyProperty", "missing key property: 'keyProperty' names the HubSpot property that identifies a record (e.g. hs_object_id)");
            ok &= hubSpotObject is not null && keyProperty is not null;

            var filters = new List<PropertyFilter>();
            if (element.TryGetProperty("filters", out var filtersElement))
            {
                ok &= ReadFilters(filtersElement, path + ".filters", filters);
            }

            var fields = new List<FieldMapping>();
            if (!element.TryGetProperty("fields", out var fieldsElement))
            {
                Error(path, "missing required property 'fields'");
                ok = false;
            }
            else if (fieldsElement.ValueKind != JsonValueKind.Array)
            {
                Error(path + ".fields", $"'fields' must be an array, not {Describe(fieldsElement)}");
                ok = false;
            }
            else
            {
                var index = 0;
                var byLocal = new Dictionary<string, string>(StringComparer.Ordinal);
                var attempted = new HashSet<string>(StringComparer.Ordinal);
                foreach (var fieldElement in fieldsElement.EnumerateArray())
                {
                    var fieldPath = JsonPositions.Index(path + ".fields", index++);
                    if (fieldElement.ValueKind == JsonValueKind.Object && fieldElement.TryGetProperty("local", out var localElement)
                        && localElement.ValueKind == JsonValueKind.String)
                    {
                        attempted.Add(localElement.GetString()!);
                    }

                    var field = ReadField(kind, fieldElement, fieldPath);
                    if (field is null)
                    {
                        ok = false;
                        continue;
                    }

                    if (byLocal.TryGetValue(field.Local, out var firstPath))
                    {
                        Error(fieldPath + ".local", $"duplicate local field '{field.Local}' (already mapped at {firstPath})");
                        ok = false;
                        continue;
                    }

                    byLocal[field.Local] = fieldPath;
                    fields.Add(field);
                }

                foreach (var required in DeliveryFieldCatalog.For(kind).Where(f => f.Required))
                {
                    if (!attempted.Contains(required.Name))
                    {
                        Error(path + ".fields", $"required local field '{required.Name}' of {kind.Plural()} is not mapped inbound");
                        ok = false;
                    }
                    else if (fields.FirstOrDefault(f => f.Local == required.Name) is { IsInbound: false } outboundOnly)
                    {
                        Error(outboundOnly.JsonPath + ".direction", $"required local field '{required.Name}' must be read from HubSpot (direction inbound or both)");
                        ok = false;
                    }
                }
            }

            return ok ? new ObjectMapping(kind, hubSpotObject!, keyProperty!, filters, fields, path) : null;
        }

        private bool ReadFilters(JsonElement element, string path, List<PropertyFilter> filters)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"'filters' must be an array, not {Describe(element)}");
                return false;
            }

            var ok = true;
            var index = 0;
            foreach (var filter in element.EnumerateArray())
            {
                var filterPath = JsonPositions.Index(path, index++);
                if (filter.ValueKind != JsonValueKind.Object)
                {
                    Error(filterPath, $"a filter must be an object {{\"property\": …, \"in\": […]}}, not {Describe(filter)}");
                    ok = false;
                    continue;
                }

                UnknownKeys(filter, filterPath, FilterKeys);
                var property = RequiredString(filter, filterPath, "property");
                var values = new List<string>();
                if (!filter.TryGetProperty("in", out var inElement))
                {
                    Error(filterPath, "missing required property 'in'");
                    ok = false;
                }
                else if (inElement.ValueKind != JsonValueKind.Array || inElement.GetArrayLength() == 0)
                {
                    Error(filterPath + ".in", "'in' must be a non-empty array of strings");
                    ok = false;
                }
                else
                {
                    var i = 0;
                    foreach (var v in inElement.EnumerateArray())
                    {
                        if (v.ValueKind != JsonValueKind.String)
                        {
                            Error(JsonPositions.Index(filterPath + ".in", i), $"filter values must be strings, not {Describe(v)}");
                            ok = false;
                        }
                        else
                        {
                            values.Add(v.GetString()!);
                        }

                        i++;
                    }
                }

                if (property is null)
                {
                    ok = false;
                }
                else if (ok)
                {
                    filters.Add(new PropertyFilter(property, values, filterPath));
                }
            }

            return ok;
        }

        private FieldMapping? ReadField(EntityKind kind, JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"a field must be an object, not {Describe(element)}");
                return null;
            }

            UnknownKeys(element, path, FieldKeys);
            var hubSpot = RequiredString(element, path, "hubspot");
            var local = RequiredString(element, path, "local");
            var ok = hubSpot is not null && local is not null;

            LocalField? localField = null;
            if (local is not null && !DeliveryFieldCatalog.TryGet(kind, local, out localField))
            {
                var known = string.Join(", ", DeliveryFieldCatalog.For(kind).Select(f => f.Name));
                Error(path + ".local", $"unknown local field '{local}' for {kind.Plural()}; known fields: {known}");
                ok = false;
            }

            var direction = MappingDirection.Inbound;
            if (element.TryGetProperty("direction", out var directionElement))
            {
                switch (directionElement.ValueKind == JsonValueKind.String ? directionElement.GetString() : null)
                {
                    case "inbound": direction = MappingDirection.Inbound; break;
                    case "outbound": direction = MappingDirection.Outbound; break;
                    case "both": direction = MappingDirection.Both; break;
                    default:
                        Error(path + ".direction", $"unknown direction {Show(directionElement)}; expected inbound, outbound or both");
                        ok = false;
                        break;
                }
            }

            // Unset: an outbound field restores the worker's value (local-wins); a both field keeps HubSpot's (hubspot-wins).
            var conflict = direction == MappingDirection.Outbound ? ConflictPolicy.LocalWins : ConflictPolicy.HubSpotWins;
            if (element.TryGetProperty("conflict", out var conflictElement))
            {
                switch (conflictElement.ValueKind == JsonValueKind.String ? conflictElement.GetString() : null)
                {
                    case "hubspot-wins": conflict = ConflictPolicy.HubSpotWins; break;
                    case "local-wins": conflict = ConflictPolicy.LocalWins; break;
                    case "newest-wins": conflict = ConflictPolicy.NewestWins; break;
                    default:
                        Error(path + ".conflict", $"unknown conflict policy {Show(conflictElement)}; expected hubspot-wins, local-wins or newest-wins");
                        ok = false;
                        break;
                }
            }

            var transform = FieldTransform.None;
            if (element.TryGetProperty("transform", out var transformElement))
            {
                var parsed = ReadTransform(transformElement, path + ".transform");
                if (parsed is null)
                {
                    ok = false;
                }
                else
                {
                    transform = parsed;
                }
            }

            if (localField is not null && ok)
            {
                if (localField.Computed && direction != MappingDirection.Outbound)
                {
                    Error(path + ".direction", $"local field '{localField.Name}' is computed by the product; its direction must be outbound, not {direction.ToString().ToLowerInvariant()}");
                    ok = false;
                }

                var allowed = AllowedTransforms(localField.Type);
                if (!allowed.Contains(transform.Kind))
                {
                    var at = element.TryGetProperty("transform", out _) ? path + ".transform" : path;
                    var expected = string.Join(" or ", allowed.Select(k => k == TransformKind.None ? "no transform" : k == TransformKind.EnumMap ? "an enum map" : k.ToString().ToLowerInvariant()));
                    var given = transform.Kind == TransformKind.None ? "no transform" : $"transform '{transform.Name}'";
                    Error(at, $"{given} is incompatible with local field '{localField.Name}' of type {LocalField.TypeName(localField.Type)}; expected {expected}");
                    ok = false;
                }

                if (transform.EnumMap is { } map && localField.AllowedValues is { } values)
                {
                    foreach (var (from, to) in map)
                    {
                        if (!values.Contains(to, StringComparer.Ordinal))
                        {
                            Error(JsonPositions.Child(path + ".transform.enum", from), $"'{to}' is not a value of local field '{localField.Name}'; allowed: {string.Join(", ", values)}");
                            ok = false;
                        }
                    }
                }
            }

            return ok ? new FieldMapping(hubSpot!, local!, direction, conflict, transform, localField!, path) : null;
        }

        private FieldTransform? ReadTransform(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                var name = element.GetString();
                TransformKind? kind = name switch
                {
                    "number" => TransformKind.Number,
                    "money" => TransformKind.Money,
                    "date" => TransformKind.Date,
                    "datetime" => TransformKind.DateTime,
                    "bool" => TransformKind.Bool,
                    _ => null,
                };
                if (kind is null)
                {
                    Error(path, $"unknown transform '{name}'; expected number, money, date, datetime, bool or {{\"enum\": {{…}}}}");
                    return null;
                }

                return new FieldTransform(kind.Value);
            }

            if (element.ValueKind == JsonValueKind.Object)
            {
                UnknownKeys(element, path, ["enum"]);
                if (!element.TryGetProperty("enum", out var mapElement) || mapElement.ValueKind != JsonValueKind.Object)
                {
                    Error(path, "an enum transform must be {\"enum\": {\"HubSpot value\": \"local value\", …}}");
                    return null;
                }

                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                var ok = true;
                foreach (var entry in mapElement.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.String)
                    {
                        Error(JsonPositions.Child(path + ".enum", entry.Name), $"enum map values must be strings, not {Describe(entry.Value)}");
                        ok = false;
                        continue;
                    }

                    map[entry.Name] = entry.Value.GetString()!;
                }

                if (ok && map.Count == 0)
                {
                    Error(path + ".enum", "the enum map is empty");
                    ok = false;
                }

                return ok ? new FieldTransform(TransformKind.EnumMap, map) : null;
            }

            Error(path, $"a transform must be a name (number, money, date, datetime, bool) or an enum map, not {Describe(element)}");
            return null;
        }

        private void ReadAssociations(JsonElement element, JsonElement objectsElement, List<AssociationPair> pairs)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error("$.associations", $"'associations' must be an array of {{\"from\", \"to\"}}, not {Describe(element)}");
                return;
            }

            var index = 0;
            foreach (var pair in element.EnumerateArray())
            {
                var path = JsonPositions.Index("$.associations", index++);
                if (pair.ValueKind != JsonValueKind.Object)
                {
                    Error(path, $"an association pair must be an object {{\"from\", \"to\"}}, not {Describe(pair)}");
                    continue;
                }

                UnknownKeys(pair, path, AssociationKeys);
                var from = RequiredString(pair, path, "from");
                var to = RequiredString(pair, path, "to");
                if (from is null || to is null)
                {
                    continue;
                }

                var ok = true;
                foreach (var (name, key) in new[] { (from, "from"), (to, "to") })
                {
                    if (!TryParseObjectName(name, out var kind))
                    {
                        Error(path + "." + key, $"unknown object '{name}'; expected one of companies, deals, tickets, projects");
                        ok = false;
                    }
                    else if (objectsElement.ValueKind != JsonValueKind.Object || !objectsElement.TryGetProperty(kind.Plural(), out _))
                    {
                        Error(path + "." + key, $"object '{name}' is not mapped under $.objects");
                        ok = false;
                    }
                }

                if (!ok || !TryParseObjectName(from, out var fromKind) || !TryParseObjectName(to, out var toKind))
                {
                    continue;
                }

                if (fromKind == toKind)
                {
                    Error(path, $"an association pair needs two different objects, not {from} → {to}");
                }
                else if (pairs.FirstOrDefault(p => (p.From == fromKind && p.To == toKind) || (p.From == toKind && p.To == fromKind)) is { } existing)
                {
                    Error(path, $"the pair {from} ↔ {to} is already configured at {existing.JsonPath}");
                }
                else
                {
                    pairs.Add(new AssociationPair(fromKind, toKind, path));
                }
            }
        }

        private string? RequiredString(JsonElement element, string path, string name, string? missingMessage = null)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                Error(path, missingMessage ?? $"missing required property '{name}'");
                return null;
            }

            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                Error(path + "." + name, $"'{name}' must be a non-empty string, not {Describe(value)}");
                return null;
            }

            return value.GetString();
        }

        private void UnknownKeys(JsonElement element, string path, IReadOnlyCollection<string> known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    Error(JsonPositions.Child(path, property.Name), $"unknown property '{property.Name}'; expected {string.Join(", ", known)}");
                }
            }
        }

        private void Error(string path, string message)
        {
            var found = positions.TryGetValue(path, out var pos);
            Errors.Add(new MappingError(file, path, found ? pos.Line : null, found ? pos.Column : null, message));
        }

        private static string Show(JsonElement element) =>
            element.ValueKind == JsonValueKind.String ? "'" + element.GetString() + "'" : Describe(element);

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString() is { Length: 0 } ? "an empty string" : "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => "nothing",
        };
    }
}
