using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>Pipelines v3 for deals, tickets, projects and custom objects: pipelines and stages, with stage metadata.</summary>
internal sealed class PipelinesApi(EmulatorRuntime rt)
{
    public const int MaxStages = 100;
    private long _nextId = 1_233_582_150;

    private CrmStore Store => rt.Store;

    public Reply List(ApiRequest req) => Store.Read(() =>
    {
        var t = Typed(req);
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var p in t.Pipelines.Where(p => !p.Archived).OrderBy(p => p.DisplayOrder))
            {
                Write(w, p);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    public Reply Get(ApiRequest req) => Store.Read(() =>
    {
        var p = Find(Typed(req), req.RouteValue("pipelineId"));
        return Reply.Json(200, w => Write(w, p));
    });

    public Reply Create(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Typed(req);
            var label = JsonIn.String(body, "label", required: true)!;
            if (t.Pipelines.Exists(p => !p.Archived && p.Label == label))
            {
                throw ApiException.Conflict($"A pipeline labelled \"{label}\" already exists.");
            }

            var now = Store.NextWriteMs();
            var pipeline = new Pipeline
            {
                Id = NewId(), Label = label, DisplayOrder = (int)(JsonIn.Long(body, "displayOrder") ?? t.Pipelines.Count), CreatedAt = now, UpdatedAt = now,
            };
            var stages = JsonIn.Array(body, "stages", required: true);
            if (stages.Count == 0 || stages.Count > MaxStages)
            {
                throw ApiException.Validation($"A pipeline needs 1 to {MaxStages} stages, not {stages.Count}.");
            }

            foreach (var s in stages)
            {
                pipeline.Stages.Add(NewStage(t, pipeline, JsonIn.Object(s, "each stage"), now));
            }

            t.Pipelines.Add(pipeline);
            return Reply.Json(201, w => Write(w, pipeline));
        });
    }

    public Reply Update(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Typed(req);
            var p = Find(t, req.RouteValue("pipelineId"));
            p.Label = JsonIn.String(body, "label") ?? p.Label;
            p.DisplayOrder = (int)(JsonIn.Long(body, "displayOrder") ?? p.DisplayOrder);
            p.UpdatedAt = Store.NextWriteMs();
            return Reply.Json(200, w => Write(w, p));
        });
    }

    public Reply Delete(ApiRequest req) => Store.Write(() =>
    {
        var t = Typed(req);
        var p = Find(t, req.RouteValue("pipelineId"));
        if (t.PipelineProperty is { } prop)
        {
            var slot = t.Properties[prop].Slot;
            if (t.Records.Any(r => !r.Archived && r.Get(slot) == p.Id))
            {
                throw new ApiException(400, "VALIDATION_ERROR", $"Pipeline {p.Id} is still used by records.", subCategory: "PipelineError.STAGE_ID_IN_USE",
                    context: new Dictionary<string, string[]> { ["stageIds"] = [.. p.Stages.Select(s => s.Id)] });
            }
        }

        p.Archived = true;
        p.ArchivedAt = Store.NextWriteMs();
        return Reply.NoContent();
    });

    public Reply ListStages(ApiRequest req) => Store.Read(() =>
    {
        var p = Find(Typed(req), req.RouteValue("pipelineId"));
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var s in p.Stages.Where(s => !s.Archived))
            {
                WriteStage(w, s);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    });

    public Reply GetStage(ApiRequest req) => Store.Read(() =>
    {
        var p = Find(Typed(req), req.RouteValue("pipelineId"));
        var s = p.Stage(req.RouteValue("stageId")) ?? throw ApiException.NotFound();
        return Reply.Json(200, w => WriteStage(w, s));
    });

    public Reply CreateStage(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Typed(req);
            var p = Find(t, req.RouteValue("pipelineId"));
            if (p.Stages.Count(s => !s.Archived) >= MaxStages)
            {
                throw ApiException.Validation($"A pipeline has at most {MaxStages} stages.");
            }

            var stage = NewStage(t, p, body, Store.NextWriteMs());
            p.Stages.Add(stage);
            return Reply.Json(201, w => WriteStage(w, stage));
        });
    }

    public Reply UpdateStage(ApiRequest req)
    {
        var body = req.JsonObject;
        return Store.Write(() =>
        {
            var t = Typed(req);
            var p = Find(t, req.RouteValue("pipelineId"));
            var s = p.Stage(req.RouteValue("stageId")) ?? throw ApiException.NotFound();
            s.Label = JsonIn.String(body, "label") ?? s.Label;
            s.DisplayOrder = (int)(JsonIn.Long(body, "displayOrder") ?? s.DisplayOrder);
            if (JsonIn.Prop(body, "metadata") is { } m)
            {
                s.Metadata = Metadata(t, m);
            }

            s.UpdatedAt = Store.NextWriteMs();
            return Reply.Json(200, w => WriteStage(w, s));
        });
    }

    public Reply DeleteStage(ApiRequest req) => Store.Write(() =>
    {
        var t = Typed(req);
        var p = Find(t, req.RouteValue("pipelineId"));
        var s = p.Stage(req.RouteValue("stageId")) ?? throw ApiException.NotFound();
        if (t.StageProperty is { } prop && t.Records.Any(r => !r.Archived && r.Get(t.Properties[prop].Slot) == s.Id))
        {
            throw new ApiException(400, "VALIDATION_ERROR", $"Stage {s.Id} is still used by records.", subCategory: "PipelineError.STAGE_ID_IN_USE",
                context: new Dictionary<string, string[]> { ["stageIds"] = [s.Id] });
        }

        s.Archived = true;
        s.ArchivedAt = Store.NextWriteMs();
        return Reply.NoContent();
    });

    private PipelineStage NewStage(ObjectTypeDef t, Pipeline p, JsonElement s, long now)
    {
        var label = JsonIn.String(s, "label", required: true)!;
        if (p.Stages.Exists(x => !x.Archived && x.Label == label))
        {
            throw ApiException.Validation($"Stage labels must be unique within a pipeline; \"{label}\" repeats.");
        }

        return new PipelineStage
        {
            Id = NewId(), Label = label, DisplayOrder = (int)(JsonIn.Long(s, "displayOrder") ?? p.Stages.Count),
            Metadata = Metadata(t, JsonIn.Prop(s, "metadata")), CreatedAt = now, UpdatedAt = now,
        };
    }

    private static Dictionary<string, string> Metadata(ObjectTypeDef t, JsonElement? m)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (m is { } obj)
        {
            foreach (var kv in JsonIn.Object(obj, "metadata").EnumerateObject())
            {
                metadata[kv.Name] = JsonIn.ScalarText(kv.Value, kv.Name) ?? string.Empty;
            }
        }

        if (t.Name == "deals")
        {
            // Deal stages need a probability from 0.0 to 1.0; 1.0 is closed won and 0.0 closed lost.
            if (!metadata.TryGetValue("probability", out var prob) || !double.TryParse(prob, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 1)
            {
                throw ApiException.Validation("Deal stages need metadata.probability between 0.0 and 1.0.",
                    new ErrorDetail("invalid or missing probability", "INVALID_PROBABILITY"));
            }

            metadata.TryAdd("isClosed", p is 0 or 1 ? "true" : "false");
        }
        else if (t.Name == "tickets" && metadata.TryGetValue("ticketState", out var state) && state is not ("OPEN" or "CLOSED"))
        {
            throw ApiException.Validation($"ticketState must be OPEN or CLOSED, not {state}.");
        }

        return metadata;
    }

    private string NewId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    private ObjectTypeDef Typed(ApiRequest req)
    {
        var t = Store.ResolveType(req.RouteValue("objectType"));
        return t.PipelineProperty is not null || t.IsCustom
            ? t
            : throw ApiException.Validation($"Object type {t.Name} does not have pipelines.");
    }

    private static Pipeline Find(ObjectTypeDef t, string id) => t.Pipeline(id) ?? throw ApiException.NotFound($"Unable to find pipeline {id}");

    private static void Write(Utf8JsonWriter w, Pipeline p)
    {
        w.WriteStartObject();
        w.WriteString("id", p.Id);
        w.WriteString("label", p.Label);
        w.WriteNumber("displayOrder", p.DisplayOrder);
        w.WriteStartArray("stages");
        foreach (var s in p.Stages.Where(s => !s.Archived))
        {
            WriteStage(w, s);
        }

        w.WriteEndArray();
        w.WriteString("createdAt", JsonOut.Iso(p.CreatedAt));
        w.WriteString("updatedAt", JsonOut.Iso(p.UpdatedAt));
        w.WriteBoolean("archived", p.Archived);
        w.WriteEndObject();
    }

    private static void WriteStage(Utf8JsonWriter w, PipelineStage s)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteString("label", s.Label);
        w.WriteNumber("displayOrder", s.DisplayOrder);
        w.WriteStartObject("metadata");
        foreach (var (k, v) in s.Metadata)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
        w.WriteString("createdAt", JsonOut.Iso(s.CreatedAt));
        w.WriteString("updatedAt", JsonOut.Iso(s.UpdatedAt));
        w.WriteBoolean("archived", s.Archived);
        w.WriteString("writePermissions", "CRM_PERMISSIONS_ENFORCEMENT");
        w.WriteEndObject();
    }
}
