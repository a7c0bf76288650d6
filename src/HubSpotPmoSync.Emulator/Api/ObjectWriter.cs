using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Model;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>Writes records as HubSpot's <c>SimplePublicObject</c> JSON.</summary>
internal static class ObjectWriter
{
    /// <summary>
    /// The properties to return: the type's defaults when none are requested; otherwise the requested known ones (unknown
    /// names are ignored) plus the id and the two dates HubSpot always returns. Null means "every property with a value".
    /// </summary>
    public static List<PropertyDef> Select(ObjectTypeDef t, List<string>? requested)
    {
        var names = requested is null ? t.DefaultProperties : AlwaysReturned(t).Concat(requested);
        var list = new List<PropertyDef>();
        foreach (var n in names)
        {
            if (t.Property(n) is { } p && !list.Contains(p))
            {
                list.Add(p);
            }
        }

        return list;
    }

    public static IEnumerable<string> AlwaysReturned(ObjectTypeDef t) =>
        t.IsCustom ? ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"] : ["createdate", t.LastModifiedProperty, "hs_object_id"];

    public static void Write(Utf8JsonWriter w, CrmStore store, ObjectTypeDef t, in RecordView r, List<PropertyDef>? props,
        List<ObjectTypeDef>? associations = null, bool? isNew = null)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id.ToString(CultureInfo.InvariantCulture));
        w.WriteStartObject("properties");
        if (props is null)
        {
            foreach (var name in AlwaysReturned(t))
            {
                if (t.Property(name) is { } sys)
                {
                    w.WriteString(name, store.Value(t, sys, r));
                }
            }

            foreach (var p in t.Properties.Values)
            {
                if (p.Slot >= 0 && !p.Archived && r.Raw(p.Slot) is { } v)
                {
                    w.WriteString(p.Name, v);
                }
            }
        }
        else
        {
            foreach (var p in props)
            {
                var v = store.Value(t, p, r);
                if (v is null)
                {
                    w.WriteNull(p.Name);
                }
                else
                {
                    w.WriteString(p.Name, v);
                }
            }
        }

        w.WriteEndObject();
        w.WriteString("createdAt", JsonOut.Iso(r.CreatedAt));
        w.WriteString("updatedAt", JsonOut.Iso(r.UpdatedAt));
        w.WriteBoolean("archived", r.Archived);
        if (r.Archived && store.TryResolveType(t.ObjectTypeId)?.Find(r.Id) is { } rec)
        {
            w.WriteString("archivedAt", JsonOut.Iso(rec.ArchivedAt));
        }

        if (isNew is { } n)
        {
            w.WriteBoolean("new", n);
        }

        if (associations is { Count: > 0 })
        {
            var wrote = false;
            foreach (var to in associations)
            {
                var links = store.Associations.From(r.Id).Where(e => e.ToKey == to.Key && CrmStore.IsLive(to, e.ToId)).ToList();
                if (links.Count == 0)
                {
                    continue;
                }

                if (!wrote)
                {
                    w.WriteStartObject("associations");
                    wrote = true;
                }

                w.WriteStartObject(to.Name);
                w.WriteStartArray("results");
                foreach (var e in links)
                {
                    foreach (var typeId in e.TypeIds)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", e.ToId.ToString(CultureInfo.InvariantCulture));
                        w.WriteString("type", store.AssocTypes.TryGetValue(typeId, out var d) ? d.Name : typeId.ToString(CultureInfo.InvariantCulture));
                        w.WriteEndObject();
                    }
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            if (wrote)
            {
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
    }

    public static void BatchEnvelopeStart(Utf8JsonWriter w, long startedAt)
    {
        w.WriteStartObject();
        w.WriteString("status", "COMPLETE");
        w.WriteString("requestedAt", JsonOut.Iso(startedAt));
        w.WriteString("startedAt", JsonOut.Iso(startedAt));
    }

    public static void BatchEnvelopeEnd(Utf8JsonWriter w, long completedAt, IReadOnlyList<(ApiException Error, string? Id)> errors)
    {
        w.WriteString("completedAt", JsonOut.Iso(completedAt));
        if (errors.Count > 0)
        {
            w.WriteNumber("numErrors", errors.Count);
            w.WriteStartArray("errors");
            foreach (var (e, id) in errors)
            {
                w.WriteStartObject();
                w.WriteString("status", "error");
                w.WriteString("category", e.Category);
                w.WriteString("message", e.Message);
                if (id is not null)
                {
                    w.WriteString("id", id);
                }

                w.WritePropertyName("context");
                JsonOut.Context(w, e.Context ?? new Dictionary<string, string[]>());
                w.WriteStartArray("errors");
                foreach (var d in e.Errors)
                {
                    w.WriteStartObject();
                    w.WriteString("message", d.Message);
                    if (d.Code is not null)
                    {
                        w.WriteString("code", d.Code);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
