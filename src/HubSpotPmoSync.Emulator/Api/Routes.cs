using System.Text.Json;
using HubSpotPmoSync.Emulator.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>The route table: HubSpot's legacy and date-versioned path families onto the same handlers, the control API, and HubSpot-shaped 404/405s.</summary>
internal static class Routes
{
    public static void Map(WebApplication app, EmulatorRuntime rt, EmulatorControl control, PropertiesApi propertiesApi)
    {
        var objects = new ObjectsApi(rt);
        var search = new SearchApi(rt);
        var merge = new MergeApi(rt);
        var associations = new AssociationsApi(rt);
        var schemas = new SchemasApi(rt, propertiesApi);
        var pipelines = new PipelinesApi(rt);
        var ctl = new ControlApi(rt, control);

        // One route table for both families: each group names its legacy prefixes and its dated prefix ({v} = a
        // version of ApiFamilies.DatedVersions); every endpoint of a group is mapped onto the same handler under
        // each prefix. A handler that answers differently per family reads ApiRequest.Route.Version.
        var table = new RouteTable(app, rt);
        void Group(RouteGroup group, Action<RouteTable.GroupMapper> endpoints) => endpoints(table.For(group));

        const LimitKind Std = LimitKind.Standard;
        const LimitKind Assoc = LimitKind.Associations;

        Group(new(["/crm/v3/objects/{objectType}"], "/crm/objects/{v}/{objectType}", ScopeKind.Objects), e =>
        {
            e.Map("GET", string.Empty, Std, false, objects.List);
            e.Map("POST", string.Empty, Std, true, objects.Create);
            e.Map("GET", "/{objectId}", Std, false, objects.Get);
            e.Map("PATCH", "/{objectId}", Std, true, objects.Update);
            e.Map("DELETE", "/{objectId}", Std, true, objects.Archive);
            e.Map("POST", "/batch/read", Std, false, objects.BatchRead);
            e.Map("POST", "/batch/create", Std, true, objects.BatchCreate);
            e.Map("POST", "/batch/update", Std, true, objects.BatchUpdate);
            e.Map("POST", "/batch/upsert", Std, true, objects.BatchUpsert);
            e.Map("POST", "/batch/archive", Std, true, objects.BatchArchive);
            e.Map("POST", "/search", LimitKind.Search, false, search.Search);
            e.Map("POST", "/merge", Std, true, merge.Merge);
        });

        Group(new(["/crm/v4/associations/{fromType}/{toType}", "/crm/associations/v4/{fromType}/{toType}"], "/crm/associations/{v}/{fromType}/{toType}", ScopeKind.Associations), e =>
        {
            e.Map("POST", "/batch/read", Assoc, false, associations.BatchRead);
            e.Map("POST", "/batch/create", Assoc, true, associations.BatchCreate);
            e.Map("POST", "/batch/associate/default", Assoc, true, associations.BatchDefault);
            e.Map("POST", "/batch/archive", Assoc, true, associations.BatchArchive);
            e.Map("POST", "/batch/labels/archive", Assoc, true, associations.BatchArchiveLabels);
            e.Map("GET", "/labels", Assoc, false, associations.GetLabels);
            e.Map("POST", "/labels", Assoc, true, associations.CreateLabel);
            e.Map("PUT", "/labels", Assoc, true, associations.UpdateLabel);
            e.Map("DELETE", "/labels/{typeId}", Assoc, true, associations.DeleteLabel);
        });

        Group(new(["/crm/v4/objects/{fromType}/{objectId}/associations"], "/crm/objects/{v}/{fromType}/{objectId}/associations", ScopeKind.Associations), e =>
        {
            // The 2026-09 draft has no "list one record's links" GET (API-FACTS §16): it answers 404 there.
            // Not among the spec's ten-secondly exemptions: these spend the burst budget as well as the associations one.
            const LimitKind Pair = LimitKind.AssociationsRecord;
            e.Map("GET", "/{toType}", Pair, false, associations.ListForRecord, servedIn: v => v != ApiFamilies.V2026_09);
            e.Map("PUT", "/default/{toType}/{toObjectId}", Pair, true, associations.PutDefault);
            e.Map("PUT", "/{toType}/{toObjectId}", Pair, true, associations.PutLabelled);
            e.Map("DELETE", "/{toType}/{toObjectId}", Pair, true, associations.DeletePair);
        });

        Group(new(["/crm/v3/properties/{objectType}"], "/crm/properties/{v}/{objectType}", ScopeKind.Schema), e =>
        {
            e.Map("GET", string.Empty, Std, false, propertiesApi.List);
            e.Map("POST", string.Empty, Std, true, propertiesApi.Create);
            e.Map("GET", "/{propertyName}", Std, false, propertiesApi.Get);
            e.Map("PATCH", "/{propertyName}", Std, true, propertiesApi.Update);
            e.Map("DELETE", "/{propertyName}", Std, true, propertiesApi.Archive);
            e.Map("POST", "/batch/read", Std, false, propertiesApi.BatchRead);
            e.Map("POST", "/batch/create", Std, true, propertiesApi.BatchCreate);
            e.Map("POST", "/batch/archive", Std, true, propertiesApi.BatchArchive);
            e.Map("GET", "/groups", Std, false, propertiesApi.ListGroups);
            e.Map("POST", "/groups", Std, true, propertiesApi.CreateGroup);
            e.Map("GET", "/groups/{groupName}", Std, false, propertiesApi.GetGroup);
            e.Map("PATCH", "/groups/{groupName}", Std, true, propertiesApi.UpdateGroup);
            e.Map("DELETE", "/groups/{groupName}", Std, true, propertiesApi.ArchiveGroup);
        });

        Group(new(["/crm-object-schemas/v3/schemas", "/crm/v3/schemas"], "/crm-object-schemas/{v}/schemas", ScopeKind.CustomSchemas), e =>
        {
            e.Map("GET", string.Empty, Std, false, schemas.List);
            e.Map("POST", string.Empty, Std, true, schemas.Create);
            e.Map("GET", "/{objectType}", Std, false, schemas.Get);
            e.Map("PATCH", "/{objectType}", Std, true, schemas.Update);
            e.Map("DELETE", "/{objectType}", Std, true, schemas.Delete);
            e.Map("POST", "/{objectType}/associations", Std, true, schemas.CreateAssociation);
            e.Map("DELETE", "/{objectType}/associations/{associationIdentifier}", Std, true, schemas.DeleteAssociation);
        });

        Group(new(["/crm/v3/pipelines/{objectType}"], "/crm/pipelines/{v}/{objectType}", ScopeKind.Schema), e =>
        {
            e.Map("GET", string.Empty, Std, false, pipelines.List);
            e.Map("POST", string.Empty, Std, true, pipelines.Create);
            e.Map("GET", "/{pipelineId}", Std, false, pipelines.Get);
            e.Map("PATCH", "/{pipelineId}", Std, true, pipelines.Update);
            e.Map("DELETE", "/{pipelineId}", Std, true, pipelines.Delete);
            e.Map("GET", "/{pipelineId}/stages", Std, false, pipelines.ListStages);
            e.Map("POST", "/{pipelineId}/stages", Std, true, pipelines.CreateStage);
            e.Map("GET", "/{pipelineId}/stages/{stageId}", Std, false, pipelines.GetStage);
            e.Map("PATCH", "/{pipelineId}/stages/{stageId}", Std, true, pipelines.UpdateStage);
            e.Map("DELETE", "/{pipelineId}/stages/{stageId}", Std, true, pipelines.DeleteStage);
        });

        Group(new(["/account-info/v3/api-usage/daily/private-apps"], "/account-info/{v}/api-usage/daily/private-apps", ScopeKind.None), e =>
            e.Map("GET", string.Empty, Std, false, req => DailyUsage(rt, req), null));

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
        Control("POST", "latency", ctl.SetLatency);
        Control("POST", "tier", ctl.SetTier);
        Control("POST", "rate-limits/reset", ctl.ResetRateLimits);
        Control("POST", "scopes", ctl.SetScopes);
        Control("POST", "bulk-update", ctl.BulkUpdate);
        Control("POST", "properties/restore", ctl.RestoreProperty);
        Control("POST", "records/restore", ctl.RestoreRecord);
        Control("GET", "webhooks", ctl.GetWebhooks);
        Control("POST", "webhooks", ctl.SetWebhooks);
        Control("POST", "records/merge", ctl.Merge);
    }

    /// <summary>Daily usage: the same shape in both families; the dated one adds <c>fetchStatus</c> and <c>resetsAt</c>.</summary>
    private static Reply DailyUsage(EmulatorRuntime rt, ApiRequest req) => Reply.Json(200, w =>
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
        if (req.Route.Version is not null)
        {
            w.WriteString("fetchStatus", "SUCCESS");
            w.WriteString("resetsAt", JsonOut.Iso(((now / day) + 1) * day));
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

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

/// <summary>The API families HubSpot serves side by side: legacy numeric (<c>/crm/v3</c>, <c>/crm/v4</c>) and date-versioned.</summary>
internal static class ApiFamilies
{
    public const string V2026_03 = "2026-03";
    public const string V2026_09 = "2026-09";

    /// <summary>The date versions served. Any other version in a dated path matches no route: 404, as HubSpot answers an unknown path.</summary>
    public static readonly IReadOnlyList<string> DatedVersions = [V2026_03, V2026_09];
}

/// <summary>Maps each endpoint of a group under every prefix of the group (both families) onto one handler.</summary>
internal sealed class RouteTable(WebApplication app, EmulatorRuntime rt)
{
    public GroupMapper For(RouteGroup group) => new(this, group);

    private void Api(string method, string template, LimitKind limit, bool write, Func<ApiRequest, Reply> handler, string? version, ScopeKind scopes)
    {
        var info = new RouteInfo(method, template, limit, write, version, scopes);
        app.MapMethods(template, [method], ctx => rt.HandleAsync(ctx, info, handler)).WithMetadata(info);
    }

    internal sealed class GroupMapper(RouteTable table, RouteGroup group)
    {
        /// <summary>Maps <paramref name="suffix"/> under each prefix; <paramref name="servedIn"/> says which versions (null = legacy) serve it.</summary>
        public void Map(string method, string suffix, LimitKind limit, bool write, Func<ApiRequest, Reply> handler, Func<string?, bool>? servedIn = null)
        {
            foreach (var (prefix, version) in group.Prefixes())
            {
                if (servedIn?.Invoke(version) ?? true)
                {
                    table.Api(method, prefix + suffix, limit, write, handler, version, group.Scopes);
                }
            }
        }
    }
}

/// <summary>
/// One group of the route table: its legacy prefixes, its dated prefix (<c>{v}</c> stands for the version), and what
/// its calls touch for the scope check (a route's <c>write</c> flag picks read or write scopes).
/// </summary>
internal sealed record RouteGroup(string[] Legacy, string Dated, ScopeKind Scopes)
{
    /// <summary>Every prefix with its version (null for legacy).</summary>
    public IEnumerable<(string Prefix, string? Version)> Prefixes() =>
        Legacy.Select(p => (p, (string?)null)).Concat(ApiFamilies.DatedVersions.Select(v => (Dated.Replace("{v}", v, StringComparison.Ordinal), (string?)v)));
}
