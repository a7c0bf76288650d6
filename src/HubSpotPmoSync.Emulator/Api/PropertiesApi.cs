using System.Text.Json;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>Properties v3: list/get/create/update/archive, batch, groups; type/fieldType rules; 409 on duplicates; ≤ 10 unique.</summary>
internal sealed partial class PropertiesApi(EmulatorRuntime rt)
{
    public const int MaxUniqueProperties = 10;

    private CrmStore Store => rt.Store;

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamePattern();

    public Reply List(ApiRequest req) => Store.Read(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var archived = req.QueryBool("archived");
        var only = req.QueryList("properties");
        var list = t.Properties.Values.Where(p => p.Archived == archived && (only is null || only.Contains(p.Name))).OrderBy(p => p.Name, StringComparer.Ordinal);
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var p in list)
            {
                Write(w, t, p);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    public Reply Get(ApiRequest req) => Store.Read(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var p = Find(t, req.RouteValue("propertyName"), req.QueryBool("archived"));
        return Reply.Json(200, w => Write(w, t, p));
    });

    public Reply Create(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var p = CreateOne(t, body);
            var reply = Reply.Json(201, w => Write(w, t, p));
            reply.Headers.Add(new("Location", $"{req.Http.Request.Path}/{p.Name}"));
            return reply;
        });
    }

    public Reply BatchCreate(ApiRequest req)
    {
        var inputs = ObjectsApi.Inputs(req.JsonObject).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var started = Store.Clock.NowMs;
            var created = new List<PropertyDef>();
            var errors = new List<(ApiException, string?)>();
            foreach (var input in inputs)
            {
                try
                {
                    created.Add(CreateOne(t, input));
                }
                catch (ApiException e)
                {
                    errors.Add((e, null));
                }
            }

            return Reply.Json(errors.Count > 0 ? 207 : 201, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var p in created)
                {
                    Write(w, t, p);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchRead(ApiRequest req)
    {
        var body = req.JsonObject;
        var names = ObjectsApi.Inputs(body).Select(i => JsonIn.String(JsonIn.Object(i, "each input"), "name", required: true)!).ToList();
        return Store.Read(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var archived = JsonIn.Bool(body, "archived") ?? false;
            var started = Store.Clock.NowMs;
            var found = names.Select(n => t.Properties.GetValueOrDefault(n)).OfType<PropertyDef>().Where(p => p.Archived == archived).ToList();
            var missing = names.Where(n => !found.Exists(p => p.Name == n)).ToList();
            var errors = missing.Count == 0 ? [] : new List<(ApiException, string?)>
            {
                (new ApiException(404, "OBJECT_NOT_FOUND", $"Properties not found: [{string.Join(", ", missing)}]",
                    context: new Dictionary<string, string[]> { ["propertyName"] = [.. missing] }), null),
            };
            return Reply.Json(errors.Count > 0 ? 207 : 200, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var p in found)
                {
                    Write(w, t, p);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchArchive(ApiRequest req)
    {
        var names = ObjectsApi.Inputs(req.JsonObject).Select(i => JsonIn.String(JsonIn.Object(i, "each input"), "name", required: true)!).ToList();
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            foreach (var n in names)
            {
                // Batch archive answers 204 even for unknown names (API-FACTS §9); HubSpot-defined ones are kept.
                if (t.Property(n) is { HubspotDefined: false } p)
                {
                    ArchiveOne(t, p);
                }
            }

            return Reply.NoContent();
        });
    }

    public Reply Update(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var p = Find(t, req.RouteValue("propertyName"), archived: false);
            if (p.HubspotDefined && p.ReadOnlyValue)
            {
                throw ApiException.Validation($"{p.Name} is a read-only HubSpot property; its definition cannot be changed.");
            }

            if (JsonIn.Bool(body, "hasUniqueValue") is { } unique && unique != p.HasUniqueValue)
            {
                throw ApiException.Validation($"hasUniqueValue of {p.Name} cannot be changed after creation.");
            }

            var type = JsonIn.String(body, "type") ?? p.Type;
            var fieldType = JsonIn.String(body, "fieldType") ?? p.FieldType;
            CheckTypes(type, fieldType);
            if (type != p.Type && t.Records.Any(r => r.Get(p.Slot) is not null))
            {
                throw ApiException.Validation($"The type of {p.Name} cannot change while records hold values.");
            }

            var group = JsonIn.String(body, "groupName") ?? p.GroupName;
            if (!t.Groups.ContainsKey(group))
            {
                throw ApiException.Validation($"Property group \"{group}\" does not exist.");
            }

            var options = JsonIn.Prop(body, "options") is null ? p.Options : Options(body, type);
            p.Label = JsonIn.String(body, "label") ?? p.Label;
            p.Type = type;
            p.FieldType = fieldType;
            p.GroupName = group;
            p.Options = options;
            p.Description = JsonIn.String(body, "description") ?? p.Description;
            p.DisplayOrder = (int)(JsonIn.Long(body, "displayOrder") ?? p.DisplayOrder);
            p.Hidden = JsonIn.Bool(body, "hidden") ?? p.Hidden;
            p.FormField = JsonIn.Bool(body, "formField") ?? p.FormField;
            p.UpdatedAt = Store.NextWriteMs();
            return Reply.Json(200, w => Write(w, t, p));
        });
    }

    public Reply Archive(ApiRequest req) => Store.Write(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var p = Find(t, req.RouteValue("propertyName"), archived: false);
        if (p.HubspotDefined)
        {
            throw ApiException.Validation($"{p.Name} is a HubSpot-defined property and cannot be archived.");
        }

        ArchiveOne(t, p);
        return Reply.NoContent();
    });

    public Reply ListGroups(ApiRequest req) => Store.Read(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var g in t.Groups.Values.Where(g => !g.Archived).OrderBy(g => g.DisplayOrder).ThenBy(g => g.Name, StringComparer.Ordinal))
            {
                WriteGroup(w, g);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    public Reply GetGroup(ApiRequest req) => Store.Read(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var g = t.Groups.GetValueOrDefault(req.RouteValue("groupName")) is { Archived: false } found ? found : throw ApiException.NotFound();
        return Reply.Json(200, w => WriteGroup(w, g));
    });

    public Reply CreateGroup(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var name = JsonIn.String(body, "name", required: true)!;
            var label = JsonIn.String(body, "label", required: true)!;
            if (!NamePattern().IsMatch(name))
            {
                throw ApiException.Validation($"Group name \"{name}\" must start with a lowercase letter and hold only lowercase letters, digits and underscores.");
            }

            if (t.Groups.TryGetValue(name, out var existing) && !existing.Archived)
            {
                throw ApiException.Conflict($"A property group named \"{name}\" already exists.");
            }

            var g = new PropertyGroup(name, label, (int)(JsonIn.Long(body, "displayOrder") ?? -1), false);
            t.Groups[name] = g;
            return Reply.Json(201, w => WriteGroup(w, g));
        });
    }

    public Reply UpdateGroup(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var name = req.RouteValue("groupName");
            var g = t.Groups.GetValueOrDefault(name) is { Archived: false } found ? found : throw ApiException.NotFound();
            g = g with { Label = JsonIn.String(body, "label") ?? g.Label, DisplayOrder = (int)(JsonIn.Long(body, "displayOrder") ?? g.DisplayOrder) };
            t.Groups[name] = g;
            return Reply.Json(200, w => WriteGroup(w, g));
        });
    }

    public Reply ArchiveGroup(ApiRequest req) => Store.Write(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var name = req.RouteValue("groupName");
        var g = t.Groups.GetValueOrDefault(name) is { Archived: false } found ? found : throw ApiException.NotFound();
        if (t.Properties.Values.Any(p => !p.Archived && p.GroupName == name))
        {
            throw ApiException.Validation($"Property group \"{name}\" still holds properties; move or archive them first.");
        }

        t.Groups[name] = g with { Archived = true };
        return Reply.NoContent();
    });

    /// <summary>Validates and adds one property (also used by schema creation and seeding).</summary>
    public PropertyDef CreateOne(ObjectTypeDef t, JsonElement body)
    {
        JsonIn.Object(body, "a property");
        var name = JsonIn.String(body, "name", required: true)!;
        var label = JsonIn.String(body, "label", required: true)!;
        var type = JsonIn.String(body, "type", required: true)!;
        var fieldType = JsonIn.String(body, "fieldType", required: true)!;
        var group = JsonIn.String(body, "groupName", required: true)!;
        return CreateChecked(t, name, label, type, fieldType, group, JsonIn.Bool(body, "hasUniqueValue") ?? false,
            JsonIn.Prop(body, "options") is null ? [] : Options(body, type), JsonIn.String(body, "description") ?? string.Empty,
            (int)(JsonIn.Long(body, "displayOrder") ?? -1), JsonIn.Bool(body, "hidden") ?? false, JsonIn.Bool(body, "formField") ?? false);
    }

    public PropertyDef CreateChecked(ObjectTypeDef t, string name, string label, string type, string fieldType, string group, bool unique,
        List<PropertyOption> options, string description = "", int displayOrder = -1, bool hidden = false, bool formField = false)
    {
        if (!NamePattern().IsMatch(name) || name.Length > 100)
        {
            throw ApiException.Validation($"Property name \"{name}\" must start with a lowercase letter and hold only lowercase letters, digits and underscores.",
                new ErrorDetail("invalid property name", "INVALID_PROPERTY_NAME", new Dictionary<string, string[]> { ["name"] = [name] }));
        }

        if (t.Properties.TryGetValue(name, out var existing))
        {
            throw ApiException.Conflict($"Property named \"{name}\" already exists{(existing.Archived ? " (archived)" : string.Empty)}.",
                new ErrorDetail($"Property \"{name}\" already exists", "PROPERTY_EXISTS", new Dictionary<string, string[]> { ["name"] = [name] }));
        }

        CheckTypes(type, fieldType);
        if (!t.Groups.TryGetValue(group, out var g) || g.Archived)
        {
            throw ApiException.Validation($"Property group \"{group}\" does not exist.",
                new ErrorDetail($"group {group} does not exist", "GROUP_DOESNT_EXIST", new Dictionary<string, string[]> { ["groupName"] = [group] }));
        }

        if (type is "enumeration" && fieldType != "booleancheckbox" && options.Count == 0)
        {
            throw ApiException.Validation($"Enumeration property \"{name}\" needs at least one option.");
        }

        if (unique && t.Properties.Values.Count(p => p.HasUniqueValue && !p.HubspotDefined && !p.Archived) >= MaxUniqueProperties)
        {
            throw ApiException.Validation($"{t.Name} already has {MaxUniqueProperties} properties with hasUniqueValue=true; no more are allowed.",
                new ErrorDetail("too many unique properties", "TOO_MANY_UNIQUE_PROPERTIES"));
        }

        if (type == "bool" && options.Count == 0)
        {
            options = [new PropertyOption("Yes", "true", 0, false, null), new PropertyOption("No", "false", 1, false, null)];
        }

        return Store.AddUserProperty(t, name, label, type, fieldType, group, unique, options, description, displayOrder, hidden, formField, Store.NextWriteMs());
    }

    private static void CheckTypes(string type, string fieldType)
    {
        if (!PropertyDef.FieldTypesByType.TryGetValue(type, out var allowed))
        {
            throw ApiException.Validation($"\"{type}\" is not a property type; use one of {string.Join(", ", PropertyDef.FieldTypesByType.Keys)}.",
                new ErrorDetail($"invalid type {type}", "INVALID_TYPE", new Dictionary<string, string[]> { ["type"] = [type] }));
        }

        if (!allowed.Contains(fieldType))
        {
            throw ApiException.Validation($"fieldType \"{fieldType}\" is not valid for type \"{type}\"; use one of {string.Join(", ", allowed)}.",
                new ErrorDetail($"invalid fieldType {fieldType} for {type}", "INVALID_FIELD_TYPE", new Dictionary<string, string[]> { ["fieldType"] = [fieldType] }));
        }
    }

    private static List<PropertyOption> Options(JsonElement body, string type)
    {
        var options = JsonIn.Array(body, "options").Select((o, i) =>
        {
            JsonIn.Object(o, "each option");
            return new PropertyOption(JsonIn.String(o, "label", required: true)!, JsonIn.String(o, "value", required: true)!,
                (int)(JsonIn.Long(o, "displayOrder") ?? i), JsonIn.Bool(o, "hidden") ?? false, JsonIn.String(o, "description"));
        }).ToList();
        if (options.Count > 0 && type is not ("enumeration" or "bool"))
        {
            throw ApiException.Validation($"Only enumeration properties take options, not {type}.");
        }

        var duplicate = options.GroupBy(o => o.Value, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? options : throw ApiException.Validation($"Option value \"{duplicate.Key}\" appears more than once.");
    }

    private void ArchiveOne(ObjectTypeDef t, PropertyDef p)
    {
        p.Archived = true;
        p.ArchivedAt = Store.NextWriteMs();
        t.Unique.Remove(p.Name);
    }

    private static PropertyDef Find(ObjectTypeDef t, string name, bool archived) =>
        t.Properties.TryGetValue(name, out var p) && p.Archived == archived ? p : throw ApiException.NotFound($"Property {name} does not exist");

    public static void Write(Utf8JsonWriter w, ObjectTypeDef t, PropertyDef p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("label", p.Label);
        w.WriteString("type", p.Type);
        w.WriteString("fieldType", p.FieldType);
        w.WriteString("description", p.Description);
        w.WriteString("groupName", p.GroupName);
        w.WriteStartArray("options");
        var options = p.Options;
        if (p.Options.Count == 0 && t.PipelineProperty == p.Name)
        {
            options = [.. t.Pipelines.Where(x => !x.Archived).Select(x => new PropertyOption(x.Label, x.Id, x.DisplayOrder, false, null))];
        }
        else if (p.Options.Count == 0 && t.StageProperty == p.Name)
        {
            options = [.. t.Pipelines.Where(x => !x.Archived).SelectMany(x => x.Stages.Where(s => !s.Archived))
                .Select(s => new PropertyOption(s.Label, s.Id, s.DisplayOrder, false, null))];
        }

        foreach (var o in options)
        {
            w.WriteStartObject();
            w.WriteString("label", o.Label);
            w.WriteString("value", o.Value);
            w.WriteNumber("displayOrder", o.DisplayOrder);
            w.WriteBoolean("hidden", o.Hidden);
            if (o.Description is not null)
            {
                w.WriteString("description", o.Description);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("displayOrder", p.DisplayOrder);
        w.WriteBoolean("calculated", p.Calculated);
        w.WriteBoolean("externalOptions", false);
        w.WriteBoolean("hasUniqueValue", p.HasUniqueValue);
        w.WriteBoolean("hidden", p.Hidden);
        w.WriteBoolean("hubspotDefined", p.HubspotDefined);
        w.WriteBoolean("formField", p.FormField);
        w.WriteBoolean("archived", p.Archived);
        if (p.ArchivedAt is { } at)
        {
            w.WriteString("archivedAt", JsonOut.Iso(at));
        }

        w.WriteString("createdAt", JsonOut.Iso(p.CreatedAt));
        w.WriteString("updatedAt", JsonOut.Iso(p.UpdatedAt));
        w.WriteStartObject("modificationMetadata");
        w.WriteBoolean("archivable", !p.HubspotDefined);
        w.WriteBoolean("readOnlyDefinition", p.HubspotDefined);
        w.WriteBoolean("readOnlyValue", p.ReadOnlyValue);
        w.WriteEndObject();
        w.WriteString("dataSensitivity", "non_sensitive");
        w.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter w, PropertyGroup g)
    {
        w.WriteStartObject();
        w.WriteString("name", g.Name);
        w.WriteString("label", g.Label);
        w.WriteNumber("displayOrder", g.DisplayOrder);
        w.WriteBoolean("archived", g.Archived);
        w.WriteEndObject();
    }
}
