using System.Text.Json;
using HubSpotPmoSync.Emulator.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>The route table: HubSpot's legacy paths and their 2026-03 aliases, the control API, and HubSpot-shaped 404/405s.</summary>
internal static class Routes
{
    public static void Map(WebApplication app, EmulatorRuntime rt, EmulatorControl control, PropertiesApi propertiesApi)
    {
        var objects = new ObjectsApi(rt);
        var search = new SearchApi(rt);
        var associations = new AssociationsApi(rt);
        var schemas = new SchemasApi(rt, propertiesApi);
        var pipelines = new PipelinesApi(rt);
        var ctl = new ControlApi(rt, control);

        void Api(string method, string template, LimitKind limit, bool write, Func<ApiRequest, Reply> handler)
        {
            var info = new RouteInfo(method, template, limit, write);
            app.MapMethods(template, [method], ctx => rt.HandleAsync(ctx, info, handler)).WithMetadata(info);
        }

        const LimitKind Std = LimitKind.Standard;
        foreach (var p in new[] { "/crm/v3/objects/{objectType}", "/crm/objects/2026-03/{objectType}" })
        {
            Api("GET", p, Std, false, objects.List);
            Api("POST", p, Std, true, objects.Create);
            Api("GET", p + "/{objectId}", Std, false, objects.Get);
            Api("PATCH", p + "/{objectId}", Std, true, objects.Update);
            Api("DELETE", p + "/{objectId}", Std, true, objects.Archive);
            Api("POST", p + "/batch/read", Std, false, objects.BatchRead);
            Api("POST", p + "/batch/create", Std, true, objects.BatchCreate);
            Api("POST", p + "/batch/update", Std, true, objects.BatchUpdate);
            Api("POST", p + "/batch/upsert", Std, true, objects.BatchUpsert);
            Api("POST", p + "/batch/archive", Std, true, objects.BatchArchive);
            Api("POST", p + "/search", LimitKind.Search, false, search.Search);
        }

        const LimitKind Assoc = LimitKind.Associations;
        foreach (var p in new[] { "/crm/v4/associations/{fromType}/{toType}", "/crm/associations/2026-03/{fromType}/{toType}", "/crm/associations/v4/{fromType}/{toType}" })
        {
            Api("POST", p + "/batch/read", Assoc, false, associations.BatchRead);
            Api("POST", p + "/batch/create", Assoc, true, associations.BatchCreate);
            Api("POST", p + "/batch/associate/default", Assoc, true, associations.BatchDefault);
            Api("POST", p + "/batch/archive", Assoc, true, associations.BatchArchive);
            Api("POST", p + "/batch/labels/archive", Assoc, true, associations.BatchArchiveLabels);
            Api("GET", p + "/labels", Assoc, false, associations.GetLabels);
            Api("POST", p + "/labels", Assoc, true, associations.CreateLabel);
            Api("PUT", p + "/labels", Assoc, true, associations.UpdateLabel);
            Api("DELETE", p + "/labels/{typeId}", Assoc, true, associations.DeleteLabel);
        }

        foreach (var p in new[] { "/crm/v4/objects/{fromType}/{objectId}/associations", "/crm/objects/2026-03/{fromType}/{objectId}/associations" })
        {
            Api("GET", p + "/{toType}", Assoc, false, associations.ListForRecord);
            Api("PUT", p + "/default/{toType}/{toObjectId}", Assoc, true, associations.PutDefault);
            Api("PUT", p + "/{toType}/{toObjectId}", Assoc, true, associations.PutLabelled);
            Api("DELETE", p + "/{toType}/{toObjectId}", Assoc, true, associations.DeletePair);
        }

        foreach (var p in new[] { "/crm/v3/properties/{objectType}", "/crm/properties/2026-03/{objectType}" })
        {
            Api("GET", p, Std, false, propertiesApi.List);
            Api("POST", p, Std, true, propertiesApi.Create);
            Api("GET", p + "/{propertyName}", Std, false, propertiesApi.Get);
            Api("PATCH", p + "/{propertyName}", Std, true, propertiesApi.Update);
            Api("DELETE", p + "/{propertyName}", Std, true, propertiesApi.Archive);
            Api("POST", p + "/batch/read", Std, false, propertiesApi.BatchRead);
            Api("POST", p + "/batch/create", Std, true, propertiesApi.BatchCreate);
            Api("POST", p + "/batch/archive", Std, true, propertiesApi.BatchArchive);
            Api("GET", p + "/groups", Std, false, propertiesApi.ListGroups);
            Api("POST", p + "/groups", Std, true, propertiesApi.CreateGroup);
            Api("GET", p + "/groups/{groupName}", Std, false, propertiesApi.GetGroup);
            Api("PATCH", p + "/groups/{groupName}", Std, true, propertiesApi.UpdateGroup);
            Api("DELETE", p + "/groups/{groupName}", Std, true, propertiesApi.ArchiveGroup);
        }

        foreach (var p in new[] { "/crm-object-schemas/v3/schemas", "/crm/v3/schemas", "/crm-object-schemas/2026-03/schemas" })
        {
            Api("GET", p, Std, false, schemas.List);
            Api("POST", p, Std, true, schemas.Create);
            Api("GET", p + "/{objectType}", Std, false, schemas.Get);
            Api("PATCH", p + "/{objectType}", Std, true, schemas.Update);
            Api("DELETE", p + "/{objectType}", Std, true, schemas.Delete);
            Api("POST", p + "/{objectType}/associations", Std, true, schemas.CreateAssociation);
            Api("DELETE", p + "/{objectType}/associations/{associationIdentifier}", Std, true, schemas.DeleteAssociation);
        }

        foreach (var p in new[] { "/crm/v3/pipelines/{objectType}", "/crm/pipelines/2026-03/{objectType}" })
        {
            Api("GET", p, Std, false, pipelines.List);
            Api("POST", p, Std, true, pipelines.Create);
            Api("GET", p + "/{pipelineId}", Std, false, pipelines.Get);
            Api("PATCH", p + "/{pipelineId}", Std, true, pipelines.Update);
            Api("DELETE", p + "/{pipelineId}", Std, true, pipelines.Delete);
            Api("GET", p + "/{pipelineId}/stages", Std, false, pipelines.ListStages);
            Api("POST", p + "/{pipelineId}/stages", Std, true, pipelines.CreateStage);
            Api("GET", p + "/{pipelineId}/stages/{stageId}", Std, false, pipelines.GetStage);
            Api("PATCH", p + "/{pipelineId}/stages/{stageId}", Std, true, pipelines.UpdateStage);
            Api("DELETE", p + "/{pipelineId}/stages/{stageId}", Std, true, pipelines.DeleteStage);
        }

        Api("GET", "/account-info/v3/api-usage/daily/private-apps", Std, false, _ => Reply.Json(200, w =>
        {
            var now = rt.Clock.NowMs;
            var day = rt.Limiter.DayMs;
            w.WriteStartObject();
            w.WriteStartArray("results");
            w.WriteStartObject();
            w.WriteString("name", "private-apps-api-calls-daily");
            if (rt.Limiter.Daily is { } daily)
            {
                w.WriteNumber("usageLimit", daily);
            }

            w.WriteNumber("currentUsage", rt.Limiter.DailyUsed);
            w.WriteString("collectedAt", JsonOut.Iso(now));
            w.WriteString("fetchStatus", "SUCCESS");
            w.WriteString("resetsAt", JsonOut.Iso(((now / day) + 1) * day));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }));

        void Control(string method, string name, Func<JsonElement?, Reply> handler) =>
            app.MapMethods("/__emulator/" + name, [method], ctx => ctl.HandleAsync(ctx, name, handler)).WithMetadata(new ControlRoute());

        Control("GET", "health", ctl.Health);
        Control("POST", "reset", ctl.Reset);
        Control("POST", "seed", ctl.Seed);
        Control("GET", "stats", ctl.Stats);
        Control("GET", "state", ctl.State);
        Control("GET", "clock", ctl.GetClock);
        Control("POST", "clock", ctl.SetClock);
        Control("POST", "index-lag", ctl.SetIndexLag);
        Control("POST", "faults", ctl.SetFaults);
        Control("POST", "tier", ctl.SetTier);
        Control("POST", "rate-limits/reset", ctl.ResetRateLimits);
        Control("POST", "bulk-update", ctl.BulkUpdate);
        Control("POST", "properties/restore", ctl.RestoreProperty);
    }

    /// <summary>Answers requests that matched no route (or no method of a route) in HubSpot's error shape.</summary>
    public static async Task UnmatchedAsync(HttpContext ctx, EmulatorRuntime rt, Func<Task> next)
    {
        var endpoint = ctx.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<RouteInfo>() is not null || endpoint?.Metadata.GetMetadata<ControlRoute>() is not null)
        {
            await next();
            return;
        }

        var correlationId = Guid.NewGuid().ToString();
        var key = $"{ctx.Request.Method} (unmatched)";
        if (!ctx.Request.Path.StartsWithSegments("/__emulator", StringComparison.Ordinal) && !rt.Authorized(ctx))
        {
            await rt.SendAsync(ctx, key, EmulatorRuntime.Unauthorized(correlationId));
            return;
        }

        var methodMismatch = endpoint is not null;
        var error = methodMismatch
            ? new ApiException(405, "VALIDATION_ERROR", $"Method {ctx.Request.Method} is not allowed on {ctx.Request.Path}.")
            : new ApiException(404, "OBJECT_NOT_FOUND", $"No route matches {ctx.Request.Method} {ctx.Request.Path}.");
        await rt.SendAsync(ctx, key, JsonOut.ErrorReply(error, correlationId));
    }
}

/// <summary>Marks control-API endpoints.</summary>
internal sealed class ControlRoute;
