using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>Associations v4: batch read with per-input paging, default and labelled links, archive, labels.</summary>
internal sealed class AssociationsApi(EmulatorRuntime rt)
{
    public const int MaxReadInputs = 1_000;
    public const int MaxWriteInputs = 2_000;
    public const int PageSize = 500;

    private CrmStore Store => rt.Store;

    public Reply BatchRead(ApiRequest req)
    {
        var inputs = ObjectsApi.Inputs(req.JsonObject, MaxReadInputs).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Read(() =>
        {
            var (from, to) = Pair(req);
            var started = Store.Clock.NowMs;
            var results = new List<(string Id, List<AssocEntry> Links, long? Next)>();
            var errors = new List<(ApiException, string?)>();
            foreach (var input in inputs)
            {
                var idText = JsonIn.String(input, "id", required: true)!;
                var after = ParseAfter(JsonIn.String(input, "after"));
                if (!TryId(idText, out var id) || !CrmStore.IsLive(from, id))
                {
                    errors.Add((new ApiException(404, "OBJECT_NOT_FOUND", $"No {from.Singular} with id {idText} exists.",
                        context: new Dictionary<string, string[]> { ["fromObjectId"] = [idText] }), idText));
                    continue;
                }

                var links = Links(id, to, after, PageSize + 1);
                if (links.Count == 0)
                {
                    errors.Add((new ApiException(404, "OBJECT_NOT_FOUND", $"No {to.Singular} is associated with {from.Singular} {idText}.",
                        context: new Dictionary<string, string[]> { ["fromObjectId"] = [idText] }), idText));
                    continue;
                }

                long? next = links.Count > PageSize ? links[PageSize].ToId : null;
                results.Add((idText, links.Take(PageSize).ToList(), next));
            }

            return Reply.Json(errors.Count > 0 ? 207 : 200, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var (id, links, next) in results)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("from");
                    w.WriteString("id", id);
                    w.WriteEndObject();
                    w.WriteStartArray("to");
                    foreach (var e in links)
                    {
                        WriteTo(w, e);
                    }

                    w.WriteEndArray();
                    if (next is { } n)
                    {
                        WritePaging(w, n);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply ListForRecord(ApiRequest req) => Store.Read(() =>
    {
        var from = Store.ResolveType(req.RouteValue("fromType"));
        var to = Store.ResolveType(req.RouteValue("toType"));
        var id = RequireLive(from, req.RouteValue("objectId"));
        var limit = req.QueryInt("limit", PageSize, 1, PageSize);
        var links = Links(id, to, ParseAfter(req.Query("after")), limit + 1);
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var e in links.Take(limit))
            {
                WriteTo(w, e);
            }

            w.WriteEndArray();
            if (links.Count > limit)
            {
                WritePaging(w, links[limit].ToId);
            }

            w.WriteEndObject();
        });
    });

    public Reply PutDefault(ApiRequest req) => Store.Write(() =>
    {
        var from = Store.ResolveType(req.RouteValue("fromType"));
        var to = Store.ResolveType(req.RouteValue("toType"));
        var fromId = RequireLive(from, req.RouteValue("objectId"));
        var toId = RequireLive(to, req.RouteValue("toObjectId"));
        var unlabelled = Store.RequireUnlabelled(from, to);
        if (Store.Link(from, fromId, to, toId, [unlabelled], replace: false))
        {
            rt.Stats.Write("associate");
        }

        var started = Store.Clock.NowMs;
        return Reply.Json(200, w =>
        {
            ObjectWriter.BatchEnvelopeStart(w, started);
            w.WriteStartArray("results");
            WriteDefault(w, fromId, toId, unlabelled);
            WriteDefault(w, toId, fromId, Store.AssocTypes[unlabelled.InverseTypeId]);
            w.WriteEndArray();
            ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, []);
        });
    });

    public Reply PutLabelled(ApiRequest req)
    {
        var body = req.Json;
        if (body.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.Validation($"Invalid input JSON: the body must be an array of association specs, not {JsonIn.Kind(body)}.");
        }

        return Store.Write(() =>
        {
            var from = Store.ResolveType(req.RouteValue("fromType"));
            var to = Store.ResolveType(req.RouteValue("toType"));
            var fromId = RequireLive(from, req.RouteValue("objectId"));
            var toId = RequireLive(to, req.RouteValue("toObjectId"));
            var types = Specs([.. body.EnumerateArray()], from, to);
            if (Store.Link(from, fromId, to, toId, types, replace: true))
            {
                rt.Stats.Write("associate");
            }

            return Reply.Json(201, w => WritePairLabels(w, from, fromId, to, toId));
        });
    }

    public Reply DeletePair(ApiRequest req) => Store.Write(() =>
    {
        var from = Store.ResolveType(req.RouteValue("fromType"));
        var to = Store.ResolveType(req.RouteValue("toType"));
        if (TryId(req.RouteValue("objectId"), out var fromId) && TryId(req.RouteValue("toObjectId"), out var toId)
            && Store.Unlink(from, fromId, to, toId))
        {
            rt.Stats.Write("unassociate");
        }

        return Reply.NoContent();
    });

    public Reply BatchCreate(ApiRequest req)
    {
        var inputs = ObjectsApi.Inputs(req.JsonObject, MaxWriteInputs).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var (from, to) = Pair(req);
            inputs.ForEach(i => Shape(i, withTypes: true));
            var started = Store.Clock.NowMs;
            var done = new List<(long, long)>();
            var errors = new List<(ApiException, string?)>();
            foreach (var input in inputs)
            {
                try
                {
                    var (fromId, toId) = Ends(input, from, to);
                    var types = Specs(JsonIn.Array(input, "types", required: true), from, to);
                    if (Store.Link(from, fromId, to, toId, types, replace: true))
                    {
                        rt.Stats.Write("associate");
                    }

                    done.Add((fromId, toId));
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
                foreach (var (fromId, toId) in done)
                {
                    WritePairLabels(w, from, fromId, to, toId);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchDefault(ApiRequest req)
    {
        var inputs = ObjectsApi.Inputs(req.JsonObject, MaxWriteInputs).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var (from, to) = Pair(req);
            var unlabelled = Store.RequireUnlabelled(from, to);
            inputs.ForEach(i => Shape(i, withTypes: false));
            var started = Store.Clock.NowMs;
            var done = new List<(long, long)>();
            var errors = new List<(ApiException, string?)>();
            foreach (var input in inputs)
            {
                try
                {
                    var (fromId, toId) = Ends(input, from, to);
                    if (Store.Link(from, fromId, to, toId, [unlabelled], replace: false))
                    {
                        rt.Stats.Write("associate");
                    }

                    done.Add((fromId, toId));
                }
                catch (ApiException e)
                {
                    errors.Add((e, null));
                }
            }

            return Reply.Json(errors.Count > 0 ? 207 : 200, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var (fromId, toId) in done)
                {
                    WriteDefault(w, fromId, toId, unlabelled);
                    WriteDefault(w, toId, fromId, Store.AssocTypes[unlabelled.InverseTypeId]);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchArchive(ApiRequest req)
    {
        var inputs = ObjectsApi.Inputs(req.JsonObject, MaxWriteInputs).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var (from, to) = Pair(req);
            var started = Store.Clock.NowMs;
            var pairs = new List<(long, long)>();
            foreach (var input in inputs)
            {
                var fromText = JsonIn.String(JsonIn.Object(JsonIn.Prop(input, "from") ?? throw ApiException.Validation("Invalid input JSON: each input needs 'from'."), "from"), "id", required: true)!;
                foreach (var t in JsonIn.Array(input, "to", required: true))
                {
                    var toText = JsonIn.String(JsonIn.Object(t, "each 'to'"), "id", required: true)!;
                    if (TryId(fromText, out var f) && TryId(toText, out var x))
                    {
                        pairs.Add((f, x));
                    }
                }
            }

            foreach (var (f, x) in pairs)
            {
                if (Store.Unlink(from, f, to, x))
                {
                    rt.Stats.Write("unassociate");
                }
            }

            return Done(req, started);
        });
    }

    public Reply BatchArchiveLabels(ApiRequest req)
    {
        var inputs = ObjectsApi.Inputs(req.JsonObject, MaxWriteInputs).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var (from, to) = Pair(req);
            var started = Store.Clock.NowMs;
            var work = inputs.Select(i =>
            {
                var fromText = JsonIn.String(JsonIn.Object(JsonIn.Prop(i, "from") ?? throw ApiException.Validation("Invalid input JSON: each input needs 'from'."), "from"), "id", required: true)!;
                var toText = JsonIn.String(JsonIn.Object(JsonIn.Prop(i, "to") ?? throw ApiException.Validation("Invalid input JSON: each input needs 'to'."), "to"), "id", required: true)!;
                return (fromText, toText, Types: Specs(JsonIn.Array(i, "types", required: true), from, to));
            }).ToList();
            foreach (var (f, x, types) in work)
            {
                if (TryId(f, out var fromId) && TryId(x, out var toId) && Store.RemoveLabels(from, fromId, to, toId, types))
                {
                    rt.Stats.Write("unlabel");
                }
            }

            return Done(req, started);
        });
    }

    public Reply GetLabels(ApiRequest req) => Store.Read(() =>
    {
        var (from, to) = Pair(req);
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var d in Store.PairTypes(from, to))
            {
                WriteLabel(w, d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    public Reply CreateLabel(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var (from, to) = Pair(req);
            var label = JsonIn.String(body, "label", required: true)!;
            var name = JsonIn.String(body, "name", required: true)!;
            var inverseLabel = JsonIn.String(body, "inverseLabel");
            if (label.Length == 0 || name.Length == 0)
            {
                throw ApiException.Validation("label and name must not be empty.");
            }

            if (Store.PairTypes(from, to).Any(d => d.Name == name || d.Label == label))
            {
                throw ApiException.Conflict($"An association label named '{name}' (or labelled '{label}') already exists between {from.Name} and {to.Name}.");
            }

            var id = Store.NewAssocTypeId();
            var inverseId = from.Key == to.Key && inverseLabel is null ? id : Store.NewAssocTypeId();
            var forward = Store.DefineType(from, to, id, "USER_DEFINED", label, name, inverseId);
            var created = new List<AssocTypeDef> { forward };
            if (inverseId != id)
            {
                created.Add(Store.DefineType(to, from, inverseId, "USER_DEFINED", inverseLabel ?? label, name + (inverseLabel is null ? string.Empty : "_inverse"), id));
            }

            return Reply.Json(200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("results");
                foreach (var d in created)
                {
                    WriteLabel(w, d);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });
    }

    public Reply UpdateLabel(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var (from, to) = Pair(req);
            var typeId = (int)(JsonIn.Long(body, "associationTypeId") ?? throw ApiException.Validation("associationTypeId is required."));
            var def = Store.RequireAssocType(from, to, typeId);
            if (def.Category != "USER_DEFINED")
            {
                throw ApiException.Validation($"Association type {typeId} is HubSpot-defined; only user-defined labels can be changed.");
            }

            def.Label = JsonIn.String(body, "label", required: true);
            if (JsonIn.String(body, "inverseLabel") is { } inverse && Store.AssocTypes.TryGetValue(def.InverseTypeId, out var inv) && inv != def)
            {
                inv.Label = inverse;
            }

            return Reply.NoContent();
        });
    }

    public Reply DeleteLabel(ApiRequest req) => Store.Write(() =>
    {
        var (from, to) = Pair(req);
        if (!int.TryParse(req.RouteValue("typeId"), NumberStyles.None, CultureInfo.InvariantCulture, out var typeId))
        {
            throw ApiException.Validation($"'{req.RouteValue("typeId")}' is not an association type id.");
        }

        var def = Store.RequireAssocType(from, to, typeId);
        if (def.Category != "USER_DEFINED")
        {
            throw ApiException.Validation($"Association type {typeId} is HubSpot-defined and cannot be deleted.");
        }

        Store.DropAssocType(def);
        return Reply.NoContent();
    });

    /// <summary>The answer of a batch archive: v4 answers 204; the dated family 200 with a <c>BatchResponseVoid</c>.</summary>
    private Reply Done(ApiRequest req, long started) => req.Route.Version is null
        ? Reply.NoContent()
        : Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "COMPLETE");
            w.WriteString("startedAt", JsonOut.Iso(started));
            w.WriteString("completedAt", JsonOut.Iso(Store.Clock.NowMs));
            w.WriteEndObject();
        });

    private (ObjectTypeDef From, ObjectTypeDef To) Pair(ApiRequest req) =>
        (Store.ResolveType(req.RouteValue("fromType")), Store.ResolveType(req.RouteValue("toType")));

    private List<AssocEntry> Links(long fromId, ObjectTypeDef to, long after, int take) =>
        Store.Associations.From(fromId).Where(e => e.ToKey == to.Key && e.ToId >= after && CrmStore.IsLive(to, e.ToId)).Take(take).ToList();

    /// <summary>Structural checks of a batch input: a malformed input fails the whole batch (400), a missing record only its input (207).</summary>
    private static void Shape(JsonElement input, bool withTypes)
    {
        foreach (var end in new[] { "from", "to" })
        {
            var e = JsonIn.Prop(input, end) ?? throw ApiException.Validation($"Invalid input JSON: each input needs '{end}'.");
            JsonIn.String(JsonIn.Object(e, end), "id", required: true);
        }

        if (withTypes)
        {
            foreach (var t in JsonIn.Array(input, "types", required: true))
            {
                JsonIn.Long(JsonIn.Object(t, "each association spec"), "associationTypeId");
            }
        }
    }

    private (long From, long To) Ends(JsonElement input, ObjectTypeDef from, ObjectTypeDef to)
    {
        var f = JsonIn.String(JsonIn.Object(JsonIn.Prop(input, "from") ?? throw ApiException.Validation("Invalid input JSON: each input needs 'from'."), "from"), "id", required: true)!;
        var t = JsonIn.String(JsonIn.Object(JsonIn.Prop(input, "to") ?? throw ApiException.Validation("Invalid input JSON: each input needs 'to'."), "to"), "id", required: true)!;
        return (RequireLive(from, f), RequireLive(to, t));
    }

    private List<AssocTypeDef> Specs(List<JsonElement> specs, ObjectTypeDef from, ObjectTypeDef to)
    {
        if (specs.Count == 0)
        {
            throw ApiException.Validation("At least one association type is required.");
        }

        return [.. specs.Select(s =>
        {
            JsonIn.Object(s, "each association spec");
            var id = JsonIn.Long(s, "associationTypeId") ?? throw ApiException.Validation("associationTypeId is required.");
            var def = Store.RequireAssocType(from, to, (int)id);
            var category = JsonIn.String(s, "associationCategory");
            if (category is not null && category != def.Category)
            {
                throw ApiException.Validation($"associationTypeId {id} is {def.Category}, not {category}.");
            }

            return def;
        })];
    }

    private static long RequireLive(ObjectTypeDef t, string idText)
    {
        if (TryId(idText, out var id) && CrmStore.IsLive(t, id))
        {
            return id;
        }

        throw new ApiException(404, "OBJECT_NOT_FOUND", $"No {t.Singular} with id {idText} exists.",
            context: new Dictionary<string, string[]> { ["id"] = [idText] });
    }

    private static bool TryId(string s, out long id) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private static long ParseAfter(string? after) =>
        string.IsNullOrEmpty(after) ? 0 : TryId(after, out var n) ? n : throw ApiException.Validation($"after '{after}' is not a valid paging cursor.");

    private void WriteTo(Utf8JsonWriter w, AssocEntry e)
    {
        w.WriteStartObject();
        w.WriteNumber("toObjectId", e.ToId);
        w.WriteStartArray("associationTypes");
        foreach (var id in e.TypeIds)
        {
            if (Store.AssocTypes.TryGetValue(id, out var d))
            {
                WriteLabel(w, d);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLabel(Utf8JsonWriter w, AssocTypeDef d)
    {
        w.WriteStartObject();
        w.WriteString("category", d.Category);
        w.WriteNumber("typeId", d.TypeId);
        if (d.Label is null)
        {
            w.WriteNull("label");
        }
        else
        {
            w.WriteString("label", d.Label);
        }

        w.WriteEndObject();
    }

    private static void WritePaging(Utf8JsonWriter w, long next)
    {
        w.WriteStartObject("paging");
        w.WriteStartObject("next");
        w.WriteString("after", next.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteDefault(Utf8JsonWriter w, long fromId, long toId, AssocTypeDef d)
    {
        w.WriteStartObject();
        w.WriteStartObject("from");
        w.WriteString("id", fromId.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteStartObject("to");
        w.WriteString("id", toId.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteStartObject("associationSpec");
        w.WriteString("associationCategory", d.Category);
        w.WriteNumber("associationTypeId", d.TypeId);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WritePairLabels(Utf8JsonWriter w, ObjectTypeDef from, long fromId, ObjectTypeDef to, long toId)
    {
        w.WriteStartObject();
        w.WriteString("fromObjectTypeId", from.ObjectTypeId);
        w.WriteNumber("fromObjectId", fromId);
        w.WriteString("toObjectTypeId", to.ObjectTypeId);
        w.WriteNumber("toObjectId", toId);
        w.WriteStartArray("labels");
        foreach (var id in Store.Associations.Find(fromId, to.Key, toId)?.TypeIds ?? [])
        {
            if (Store.AssocTypes.TryGetValue(id, out var d) && d.Label is not null)
            {
                w.WriteStringValue(d.Label);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
