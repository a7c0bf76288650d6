using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>Custom object schemas: create/list/get/update/delete, association definitions; requiredProperties enforced on records.</summary>
internal sealed partial class SchemasApi(EmulatorRuntime rt, PropertiesApi properties)
{
    private CrmStore Store => rt.Store;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    public Reply List(ApiRequest req) => Store.Read(() =>
    {
        var archived = req.QueryBool("archived");
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var t in Store.Types.Where(t => t.IsCustom && t.Archived == archived))
            {
                Write(w, t, includeProperties: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    public Reply Get(ApiRequest req) => Store.Read(() =>
    {
        var t = Custom(req.RouteValue("objectType"));
        return Reply.Json(200, w => Write(w, t, includeProperties: true));
    });

    public Reply Create(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var name = JsonIn.String(body, "name", required: true)!;
            if (!NamePattern().IsMatch(name))
            {
                throw ApiException.Validation($"Object name \"{name}\" must start with a letter and hold only letters, digits and underscores.");
            }

            if (Store.Types.Any(t => t.IsCustom && t.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) || Store.TryResolveType(name) is not null)
            {
                throw ApiException.Conflict($"An object type named \"{name}\" already exists.");
            }

            var labels = JsonIn.Object(JsonIn.Prop(body, "labels") ?? throw ApiException.Validation("Invalid input JSON: missing required field 'labels'."), "labels");
            var singular = JsonIn.String(labels, "singular", required: true)!;
            var plural = JsonIn.String(labels, "plural", required: true)!;
            var props = JsonIn.Array(body, "properties", required: true).Select(p => JsonIn.Object(p, "each property")).ToList();
            var required = JsonIn.Prop(body, "requiredProperties") is null ? [] : JsonIn.StringArray(body, "requiredProperties");
            var searchable = JsonIn.StringArray(body, "searchableProperties");
            var secondary = JsonIn.StringArray(body, "secondaryDisplayProperties");
            var primary = JsonIn.String(body, "primaryDisplayProperty");
            var associated = JsonIn.StringArray(body, "associatedObjects").Select(Store.ResolveType).ToList();
            var declared = props.Select(p => JsonIn.String(p, "name", required: true)!).ToHashSet(StringComparer.Ordinal);
            var undeclared = required.Concat(searchable).Concat(secondary).Concat(primary is null ? [] : [primary]).Where(n => !declared.Contains(n)).ToList();
            if (undeclared.Count > 0)
            {
                throw ApiException.Validation($"These properties are referenced but not defined in 'properties': [{string.Join(", ", undeclared.Distinct())}]",
                    new ErrorDetail("undefined property referenced", "PROPERTY_DOESNT_EXIST", new Dictionary<string, string[]> { ["propertyName"] = [.. undeclared.Distinct()] }));
            }

            // Validate every property first so a bad one leaves no half-created object type behind.
            var now = Store.NextWriteMs();
            var t = Store.AddCustomType(name, singular, plural, now);
            try
            {
                var group = t.Groups.Keys.First();
                foreach (var p in props)
                {
                    properties.CreateChecked(t, JsonIn.String(p, "name", required: true)!, JsonIn.String(p, "label") ?? JsonIn.String(p, "name")!,
                        JsonIn.String(p, "type") ?? "string", JsonIn.String(p, "fieldType") ?? "text", JsonIn.String(p, "groupName") ?? group,
                        JsonIn.Bool(p, "hasUniqueValue") ?? false,
                        [.. JsonIn.Array(p, "options").Select((o, i) => new Model.PropertyOption(JsonIn.String(o, "label", required: true)!,
                            JsonIn.String(o, "value", required: true)!, (int)(JsonIn.Long(o, "displayOrder") ?? i), JsonIn.Bool(o, "hidden") ?? false, null))],
                        JsonIn.String(p, "description") ?? string.Empty);
                }
            }
            catch
            {
                t.Archived = true;
                Store.RemoveTypeAliases(t);
                throw;
            }

            t.RequiredProperties = required;
            t.SearchableProperties = searchable;
            t.SecondaryDisplayProperties = secondary;
            t.PrimaryDisplayProperty = primary;
            t.Description = JsonIn.String(body, "description");
            foreach (var other in associated.Distinct())
            {
                Store.DefinePair(t, other, Store.NewAssocTypeId(), Store.NewAssocTypeId(), false);
            }

            var reply = Reply.Json(201, w => Write(w, t, includeProperties: true));
            reply.Headers.Add(new("Location", $"{req.Http.Request.Path}/{t.ObjectTypeId}"));
            return reply;
        });
    }

    public Reply Update(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Custom(req.RouteValue("objectType"));
            List<string> Existing(string field)
            {
                var names = JsonIn.StringArray(body, field);
                var unknown = names.Where(n => t.Property(n) is null).ToList();
                return unknown.Count == 0 ? names : throw ApiException.Validation($"{field}: properties [{string.Join(", ", unknown)}] do not exist on {t.Name}.");
            }

            if (JsonIn.Prop(body, "labels") is { } labels)
            {
                t.LabelSingular = JsonIn.String(labels, "singular") ?? t.LabelSingular;
                t.LabelPlural = JsonIn.String(labels, "plural") ?? t.LabelPlural;
            }

            if (JsonIn.Prop(body, "requiredProperties") is not null)
            {
                t.RequiredProperties = Existing("requiredProperties");
            }

            if (JsonIn.Prop(body, "searchableProperties") is not null)
            {
                t.SearchableProperties = Existing("searchableProperties");
            }

            if (JsonIn.Prop(body, "secondaryDisplayProperties") is not null)
            {
                t.SecondaryDisplayProperties = Existing("secondaryDisplayProperties");
            }

            if (JsonIn.String(body, "primaryDisplayProperty") is { } primary)
            {
                t.PrimaryDisplayProperty = t.Property(primary) is null ? throw ApiException.Validation($"primaryDisplayProperty {primary} does not exist.") : primary;
            }

            t.Description = JsonIn.String(body, "description") ?? t.Description;
            t.UpdatedAt = Store.NextWriteMs();
            return Reply.Json(200, w => Write(w, t, includeProperties: false, portal: Store.PortalId));
        });
    }

    public Reply Delete(ApiRequest req) => Store.Write(() =>
    {
        var t = Custom(req.RouteValue("objectType"));
        if (t.LiveCount > 0)
        {
            throw ApiException.Validation($"Object type {t.ObjectTypeId} still has {t.LiveCount} records; archive them first.",
                new ErrorDetail("object type has records", "OBJECT_TYPE_IN_USE"));
        }

        t.Archived = true;
        t.UpdatedAt = Store.NextWriteMs();
        if (req.QueryBool("archived"))
        {
            Store.RemoveTypeAliases(t);
        }

        return Reply.NoContent();
    });

    public Reply CreateAssociation(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Custom(req.RouteValue("objectType"));
            var from = Store.ResolveType(JsonIn.String(body, "fromObjectTypeId", required: true)!);
            var to = Store.ResolveType(JsonIn.String(body, "toObjectTypeId", required: true)!);
            if (from != t && to != t)
            {
                throw ApiException.Validation($"An association definition of {t.ObjectTypeId} must start or end at it.");
            }

            var existing = Store.UnlabelledType(from, to);
            var def = existing ?? CreatePair(from, to, JsonIn.String(body, "name"));
            return Reply.Json(201, w => WriteAssociation(w, def));
        });
    }

    public Reply DeleteAssociation(ApiRequest req) => Store.Write(() =>
    {
        var t = Custom(req.RouteValue("objectType"));
        var ident = req.RouteValue("associationIdentifier");
        var def = Store.AssocTypes.Values.FirstOrDefault(d => (d.TypeId.ToString(CultureInfo.InvariantCulture) == ident || d.Name == ident)
            && (d.FromKey == t.Key || d.ToKey == t.Key)) ?? throw ApiException.NotFound();
        Store.DropAssocType(def);
        return Reply.NoContent();
    });

    private AssocTypeDef CreatePair(ObjectTypeDef from, ObjectTypeDef to, string? name)
    {
        var id = Store.NewAssocTypeId();
        Store.DefinePair(from, to, id, Store.NewAssocTypeId(), false);
        var def = Store.AssocTypes[id];
        if (!string.IsNullOrEmpty(name))
        {
            def.Name = name;
        }

        return def;
    }

    private ObjectTypeDef Custom(string segment)
    {
        var t = Store.TryResolveType(segment);
        return t is { IsCustom: true } ? t : throw ApiException.NotFound($"Unable to find object type {segment}");
    }

    private void Write(Utf8JsonWriter w, ObjectTypeDef t, bool includeProperties, long? portal = null)
    {
        w.WriteStartObject();
        w.WriteString("id", t.SchemaId.ToString(CultureInfo.InvariantCulture));
        w.WriteString("objectTypeId", t.ObjectTypeId);
        w.WriteString("fullyQualifiedName", t.FullyQualifiedName);
        w.WriteString("name", t.Name);
        if (portal is { } p)
        {
            w.WriteNumber("portalId", p);
        }

        w.WriteStartObject("labels");
        w.WriteString("singular", t.LabelSingular);
        w.WriteString("plural", t.LabelPlural);
        w.WriteEndObject();
        if (t.Description is not null)
        {
            w.WriteString("description", t.Description);
        }

        if (t.PrimaryDisplayProperty is not null)
        {
            w.WriteString("primaryDisplayProperty", t.PrimaryDisplayProperty);
        }

        Strings(w, "secondaryDisplayProperties", t.SecondaryDisplayProperties);
        Strings(w, "searchableProperties", t.SearchableProperties);
        Strings(w, "requiredProperties", t.RequiredProperties);
        if (includeProperties)
        {
            w.WriteStartArray("properties");
            foreach (var prop in t.Properties.Values.Where(x => !x.Archived).OrderBy(x => x.Name, StringComparer.Ordinal))
            {
                PropertiesApi.Write(w, t, prop);
            }

            w.WriteEndArray();
            w.WriteStartArray("associations");
            foreach (var d in Store.AssocTypes.Values.Where(d => d.FromKey == t.Key && d.IsUnlabelled).OrderBy(d => d.TypeId))
            {
                WriteAssociation(w, d);
            }

            w.WriteEndArray();
        }

        w.WriteBoolean("archived", t.Archived);
        w.WriteBoolean("allowsSensitiveProperties", false);
        w.WriteString("createdAt", JsonOut.Iso(t.CreatedAt));
        w.WriteString("updatedAt", JsonOut.Iso(t.UpdatedAt));
        w.WriteEndObject();
    }

    private void WriteAssociation(Utf8JsonWriter w, AssocTypeDef d)
    {
        w.WriteStartObject();
        w.WriteString("id", d.TypeId.ToString(CultureInfo.InvariantCulture));
        w.WriteString("fromObjectTypeId", Store.TypeByKey(d.FromKey).ObjectTypeId);
        w.WriteString("toObjectTypeId", Store.TypeByKey(d.ToKey).ObjectTypeId);
        w.WriteString("name", d.Name);
        w.WriteString("createdAt", JsonOut.Iso(Store.TypeByKey(d.FromKey).CreatedAt));
        w.WriteString("updatedAt", JsonOut.Iso(Store.TypeByKey(d.FromKey).UpdatedAt));
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
