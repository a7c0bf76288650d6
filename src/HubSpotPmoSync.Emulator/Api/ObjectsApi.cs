using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>CRM objects v3: list, read, create, update, archive and the batch endpoints.</summary>
internal sealed class ObjectsApi(EmulatorRuntime rt)
{
    public const int MaxBatchInputs = 100;
    public const int MaxListLimit = 100;

    private CrmStore Store => rt.Store;

    public Reply List(ApiRequest req) => Store.Read(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var limit = req.QueryInt("limit", 10, 1, MaxListLimit);
        var after = ParseAfter(req.Query("after"));
        var archived = req.QueryBool("archived");
        var props = ObjectWriter.Select(t, req.QueryList("properties"));
        var assocs = AssociationTypes(req.QueryList("associations"));
        var page = new List<CrmRecord>(limit + 1);
        if (archived)
        {
            foreach (var id in t.ArchivedIds.GetViewBetween(after, long.MaxValue))
            {
                page.Add(t.Find(id)!);
                if (page.Count > limit)
                {
                    break;
                }
            }
        }
        else
        {
            var records = t.Records;
            for (var i = t.IndexOfFirstAtOrAfter(after); i < records.Count && page.Count <= limit; i++)
            {
                if (!records[i].Archived)
                {
                    page.Add(records[i]);
                }
            }
        }

        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var r in page.Take(limit))
            {
                ObjectWriter.Write(w, Store, t, RecordView.Of(r), props, assocs);
            }

            w.WriteEndArray();
            if (page.Count > limit)
            {
                var next = page[limit].Id.ToString(CultureInfo.InvariantCulture);
                w.WriteStartObject("paging");
                w.WriteStartObject("next");
                w.WriteString("after", next);
                w.WriteString("link", $"{req.Http.Request.Scheme}://{req.Http.Request.Host}{req.Http.Request.Path}?after={next}");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    });

    public Reply Get(ApiRequest req) => Store.Read(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var id = req.RouteValue("objectId");
        var r = Store.FindRecord(t, id, req.Query("idProperty"), req.QueryBool("archived")) ?? throw ApiException.NotFound();
        var props = ObjectWriter.Select(t, req.QueryList("properties"));
        var assocs = AssociationTypes(req.QueryList("associations"));
        return Reply.Json(200, w => ObjectWriter.Write(w, Store, t, RecordView.Of(r), props, assocs));
    });

    public Reply Create(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var prepared = Store.PrepareProperties(t, JsonIn.Prop(body, "properties"), null, isCreate: true);
            Store.CheckUnique(t, prepared, null);
            var links = PrepareLinks(t, JsonIn.Array(body, "associations"));
            var now = Store.NextWriteMs();
            var r = Store.CreateRecord(t, prepared, now);
            foreach (var (to, toId, types) in links)
            {
                Store.Link(t, r.Id, to, toId, types, replace: false);
            }

            rt.Stats.Write("create");
            var reply = Reply.Json(201, w => ObjectWriter.Write(w, Store, t, RecordView.Of(r), null));
            reply.Headers.Add(new("Location", $"{req.Http.Request.Path}/{r.Id}"));
            return reply;
        });
    }

    public Reply Update(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var r = Store.FindRecord(t, req.RouteValue("objectId"), req.Query("idProperty"), archived: false) ?? throw ApiException.NotFound();
            var prepared = Store.PrepareProperties(t, JsonIn.Prop(body, "properties"), r, isCreate: false);
            Store.CheckUnique(t, prepared, r);
            if (Store.UpdateRecord(t, r, prepared, Store.NextWriteMs()))
            {
                rt.Stats.Write("update");
            }

            return Reply.Json(200, w => ObjectWriter.Write(w, Store, t, RecordView.Of(r), null));
        });
    }

    public Reply Archive(ApiRequest req) => Store.Write(() =>
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        var id = req.RouteValue("objectId");
        var r = Store.FindRecord(t, id, null, archived: false);
        if (r is null)
        {
            // Archiving an archived record again is a no-op; an id that never existed is not found.
            return Store.FindRecord(t, id, null, archived: true) is null ? throw ApiException.NotFound() : Reply.NoContent();
        }

        Store.ArchiveRecord(t, r, Store.NextWriteMs());
        rt.Stats.Write("archive");
        return Reply.NoContent();
    });

    public Reply BatchRead(ApiRequest req)
    {
        var body = req.JsonObject;
        var inputs = Inputs(body);
        var idProperty = JsonIn.String(body, "idProperty");
        var requested = JsonIn.Prop(body, "properties") is null ? null : JsonIn.StringArray(body, "properties");
        var ids = inputs.Select(i => JsonIn.String(JsonIn.Object(i, "each input"), "id", required: true)!).ToList();
        return Store.Read(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var archived = req.QueryBool("archived");
            if (!string.IsNullOrEmpty(idProperty))
            {
                Store.UniqueProperty(t, idProperty);
            }

            var props = ObjectWriter.Select(t, requested);
            var started = Store.Clock.NowMs;
            var found = new List<CrmRecord>();
            var missing = new List<string>();
            foreach (var id in ids.Distinct())
            {
                if (Store.FindRecord(t, id, idProperty, archived) is { } r)
                {
                    found.Add(r);
                }
                else
                {
                    missing.Add(id);
                }
            }

            var errors = missing.Count == 0 ? [] : new List<(ApiException, string?)> { (NotFoundIn(t, missing), null) };
            return Reply.Json(errors.Count > 0 ? 207 : 200, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var r in found)
                {
                    ObjectWriter.Write(w, Store, t, RecordView.Of(r), props);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchCreate(ApiRequest req)
    {
        var inputs = Inputs(req.JsonObject).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var traced = inputs.TrueForAll(i => JsonIn.String(i, "objectWriteTraceId") is not null);
            var started = Store.Clock.NowMs;
            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            var ok = new List<(List<PreparedValue> Values, List<(ObjectTypeDef, long, IReadOnlyCollection<AssocTypeDef>)> Links)>();
            var errors = new List<(ApiException, string?)>();
            for (var i = 0; i < inputs.Count; i++)
            {
                try
                {
                    var prepared = Store.PrepareProperties(t, JsonIn.Prop(inputs[i], "properties"), null, isCreate: true);
                    Store.CheckUnique(t, prepared, null, claimed);
                    ok.Add((prepared, PrepareLinks(t, JsonIn.Array(inputs[i], "associations"))));
                }
                catch (ApiException e) when (traced)
                {
                    var trace = JsonIn.String(inputs[i], "objectWriteTraceId")!;
                    errors.Add((new ApiException(e.Status, e.Category, e.Message, e.Errors,
                        new Dictionary<string, string[]> { ["objectWriteTraceId"] = [trace] }), null));
                }
                catch (ApiException e)
                {
                    // Without objectWriteTraceIds one bad input fails the whole batch, and nothing is written.
                    throw new ApiException(e.Status, e.Category, $"inputs[{i}]: {e.Message}", e.Errors, e.Context);
                }
            }

            var now = Store.NextWriteMs();
            var created = new List<CrmRecord>(ok.Count);
            foreach (var (values, links) in ok)
            {
                var r = Store.CreateRecord(t, values, now);
                foreach (var (to, toId, types) in links)
                {
                    Store.Link(t, r.Id, to, toId, types, replace: false);
                }

                created.Add(r);
            }

            rt.Stats.Write("create", created.Count);
            return Reply.Json(errors.Count > 0 ? 207 : 201, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var r in created)
                {
                    ObjectWriter.Write(w, Store, t, RecordView.Of(r), null);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchUpdate(ApiRequest req)
    {
        var inputs = Inputs(req.JsonObject).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var started = Store.Clock.NowMs;
            var ids = inputs.Select(i => JsonIn.String(i, "id", required: true)!).ToList();
            var duplicates = ids.GroupBy(x => x, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
            {
                throw ApiException.Validation($"Duplicate IDs found in batch input: [{string.Join(", ", duplicates)}]. IDs must be unique",
                    new ErrorDetail("Duplicate IDs found in batch input", "DUPLICATE_ID", new Dictionary<string, string[]> { ["ids"] = [.. duplicates] }));
            }

            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            var work = new List<(CrmRecord Record, List<PreparedValue> Values)>();
            var missing = new List<string>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var r = Store.FindRecord(t, ids[i], JsonIn.String(inputs[i], "idProperty"), archived: false);
                if (r is null)
                {
                    missing.Add(ids[i]);
                    continue;
                }

                try
                {
                    var prepared = Store.PrepareProperties(t, JsonIn.Prop(inputs[i], "properties"), r, isCreate: false);
                    Store.CheckUnique(t, prepared, r, claimed);
                    work.Add((r, prepared));
                }
                catch (ApiException e)
                {
                    throw new ApiException(e.Status, e.Category, $"inputs[{i}] (id {ids[i]}): {e.Message}", e.Errors, e.Context);
                }
            }

            var now = Store.NextWriteMs();
            var changed = work.Count(x => Store.UpdateRecord(t, x.Record, x.Values, now));
            rt.Stats.Write("update", changed);
            var errors = missing.Count == 0 ? [] : new List<(ApiException, string?)> { (NotFoundIn(t, missing), null) };
            return Reply.Json(errors.Count > 0 ? 207 : 200, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var (r, _) in work)
                {
                    ObjectWriter.Write(w, Store, t, RecordView.Of(r), null);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, errors);
            });
        });
    }

    public Reply BatchUpsert(ApiRequest req)
    {
        var inputs = Inputs(req.JsonObject).Select(i => JsonIn.Object(i, "each input")).ToList();
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var started = Store.Clock.NowMs;
            var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var work = new List<(CrmRecord? Existing, List<PreparedValue> Values)>();
            for (var i = 0; i < inputs.Count; i++)
            {
                try
                {
                    var id = JsonIn.String(inputs[i], "id", required: true)!;
                    var idProperty = JsonIn.String(inputs[i], "idProperty")
                        ?? (t.Name == "contacts" ? "email" : throw ApiException.Validation("idProperty is required for upsert (a property with hasUniqueValue=true)."));
                    var unique = Store.UniqueProperty(t, idProperty);
                    if (!seen.Add(idProperty + "\u0001" + id))
                    {
                        throw ApiException.Validation($"Duplicate IDs found in batch input: [{id}]. IDs must be unique");
                    }

                    var existing = Store.FindRecord(t, id, idProperty, archived: false);
                    var prepared = Store.PrepareProperties(t, JsonIn.Prop(inputs[i], "properties"), existing, isCreate: false);
                    var normalizedId = CrmStore.Normalize(unique, id, null, out var err, out var code);
                    if (err is not null || normalizedId is null)
                    {
                        throw ApiException.Validation($"Property values were not valid: {err ?? "the id must not be empty"}",
                            new ErrorDetail(err ?? "empty id", code ?? "INVALID_VALUE", new Dictionary<string, string[]> { ["propertyName"] = [idProperty] }));
                    }

                    prepared.RemoveAll(p => p.Property == unique);
                    prepared.Add(new PreparedValue(unique, normalizedId));
                    if (existing is null)
                    {
                        var missing = t.RequiredProperties.Where(r => !prepared.Exists(p => p.Property.Name == r && p.Value is not null)).ToList();
                        if (missing.Count > 0)
                        {
                            throw ApiException.Validation($"Required properties missing for a new record: [{string.Join(", ", missing)}]",
                                [.. missing.Select(m => new ErrorDetail($"Required property \"{m}\" is missing.", "REQUIRED_PROPERTY",
                                    new Dictionary<string, string[]> { ["propertyName"] = [m] }))]);
                        }
                    }

                    Store.CheckUnique(t, prepared, existing, claimed);
                    work.Add((existing, prepared));
                }
                catch (ApiException e)
                {
                    throw new ApiException(e.Status, e.Category, $"inputs[{i}]: {e.Message}", e.Errors, e.Context);
                }
            }

            var now = Store.NextWriteMs();
            var results = new List<(CrmRecord, bool)>();
            foreach (var (existing, values) in work)
            {
                if (existing is null)
                {
                    results.Add((Store.CreateRecord(t, values, now), true));
                    rt.Stats.Write("upsert-create");
                }
                else
                {
                    if (Store.UpdateRecord(t, existing, values, now))
                    {
                        rt.Stats.Write("upsert-update");
                    }

                    results.Add((existing, false));
                }
            }

            return Reply.Json(200, w =>
            {
                ObjectWriter.BatchEnvelopeStart(w, started);
                w.WriteStartArray("results");
                foreach (var (r, isNew) in results)
                {
                    ObjectWriter.Write(w, Store, t, RecordView.Of(r), null, isNew: isNew);
                }

                w.WriteEndArray();
                ObjectWriter.BatchEnvelopeEnd(w, Store.Clock.NowMs, []);
            });
        });
    }

    public Reply BatchArchive(ApiRequest req)
    {
        var inputs = Inputs(req.JsonObject).Select(i => JsonIn.String(JsonIn.Object(i, "each input"), "id", required: true)!).ToList();
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            var now = Store.NextWriteMs();
            var n = 0;
            foreach (var id in inputs)
            {
                if (Store.FindRecord(t, id, null, archived: false) is { } r)
                {
                    Store.ArchiveRecord(t, r, now);
                    n++;
                }
            }

            rt.Stats.Write("archive", n);
            return Reply.NoContent();
        });
    }

    public static List<JsonElement> Inputs(JsonElement body, int max = MaxBatchInputs)
    {
        var inputs = JsonIn.Array(body, "inputs", required: true);
        if (inputs.Count > max)
        {
            throw ApiException.Validation($"Too many inputs: {inputs.Count}. A batch takes at most {max} inputs.",
                new ErrorDetail($"inputs must contain at most {max} items", "TOO_MANY_INPUTS",
                    new Dictionary<string, string[]> { ["inputs"] = [inputs.Count.ToString(CultureInfo.InvariantCulture)] }));
        }

        return inputs;
    }

    private static ApiException NotFoundIn(ObjectTypeDef t, List<string> ids) =>
        new(404, "OBJECT_NOT_FOUND",
            $"Could not get some {t.Singular.ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.",
            context: new Dictionary<string, string[]> { ["ids"] = [.. ids] });

    private static long ParseAfter(string? after)
    {
        if (string.IsNullOrEmpty(after))
        {
            return 0;
        }

        return long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ApiException.Validation($"after '{after}' is not a valid paging cursor.",
                new ErrorDetail("invalid paging cursor", "INVALID_AFTER", new Dictionary<string, string[]> { ["after"] = [after] }, "query"));
    }

    private List<ObjectTypeDef>? AssociationTypes(List<string>? names) =>
        names?.Select(n => Store.TryResolveType(n)).OfType<ObjectTypeDef>().Distinct().ToList();

    /// <summary>Validates the <c>associations</c> of a create input: known type ids from this type, live targets.</summary>
    private List<(ObjectTypeDef To, long ToId, IReadOnlyCollection<AssocTypeDef> Types)> PrepareLinks(ObjectTypeDef from, List<JsonElement> associations)
    {
        var links = new List<(ObjectTypeDef, long, IReadOnlyCollection<AssocTypeDef>)>();
        foreach (var a in associations)
        {
            JsonIn.Object(a, "each association");
            var to = JsonIn.Prop(a, "to") ?? throw ApiException.Validation("Invalid input JSON: an association is missing 'to'.");
            var toIdText = JsonIn.String(JsonIn.Object(to, "association 'to'"), "id", required: true)!;
            var types = new List<AssocTypeDef>();
            foreach (var spec in JsonIn.Array(a, "types", required: true))
            {
                var typeId = JsonIn.Long(JsonIn.Object(spec, "association type"), "associationTypeId")
                    ?? throw ApiException.Validation("Invalid input JSON: associationTypeId is required.");
                if (!Store.AssocTypes.TryGetValue((int)typeId, out var def) || def.FromKey != from.Key)
                {
                    throw ApiException.Validation($"associationTypeId {typeId} is not valid for {from.Name}.",
                        new ErrorDetail($"invalid association type {typeId}", "INVALID_ASSOCIATION_TYPE"));
                }

                types.Add(def);
            }

            if (types.Count == 0)
            {
                throw ApiException.Validation("Invalid input JSON: an association needs at least one type.");
            }

            var toType = Store.TypeByKey(types[0].ToKey);
            if (types.Exists(d => d.ToKey != toType.Key))
            {
                throw ApiException.Validation("The types of one association must all point to the same object type.");
            }

            if (!long.TryParse(toIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var toId) || !CrmStore.IsLive(toType, toId))
            {
                throw ApiException.Validation($"The association target {toType.Singular} {toIdText} does not exist.",
                    new ErrorDetail($"{toType.Singular} {toIdText} does not exist", "ASSOCIATION_TARGET_NOT_FOUND",
                        new Dictionary<string, string[]> { ["toObjectId"] = [toIdText] }));
            }

            links.Add((toType, toId, types));
        }

        return links;
    }
}
