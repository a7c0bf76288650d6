using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Runtime;
using Microsoft.AspNetCore.Http;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>The <c>/__emulator</c> control API: loopback only, no auth, errors in HubSpot's shape.</summary>
internal sealed class ControlApi(EmulatorRuntime rt, EmulatorControl control)
{
    public async Task HandleAsync(HttpContext ctx, string name, Func<JsonElement?, Reply> handler)
    {
        var correlationId = Guid.NewGuid().ToString();
        Reply reply;
        if (ctx.Connection.RemoteIpAddress is { } ip && !System.Net.IPAddress.IsLoopback(ip))
        {
            reply = JsonOut.ErrorReply(new ApiException(403, "FORBIDDEN", "The control API answers loopback clients only."), correlationId);
        }
        else
        {
            var body = await EmulatorRuntime.ReadBodyAsync(ctx);
            try
            {
                JsonElement? json = body is null
                    ? throw new ApiException(413, "VALIDATION_ERROR", "The request body is too large.")
                    : body.Length == 0 ? null : JsonIn.Parse(body);
                reply = handler(json);
            }
            catch (ApiException e)
            {
                reply = JsonOut.ErrorReply(e, correlationId);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                reply = JsonOut.ErrorReply(ApiException.Validation(e.Message), correlationId);
            }
        }

        await rt.SendAsync(ctx, $"{ctx.Request.Method} /__emulator/{name}", reply);
    }

    public Reply Health(JsonElement? _) => Reply.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("status", "ok");
        w.WriteString("now", JsonOut.Iso(rt.Clock.NowMs));
        w.WriteEndObject();
    });

    public Reply Reset(JsonElement? _)
    {
        control.Reset();
        return Ok();
    }

    public Reply Seed(JsonElement? body)
    {
        var b = Body(body);
        var seed = JsonIn.String(b, "seed", required: true)!;
        control.Seed(seed, (int?)JsonIn.Long(b, "seedRandom"));
        return Ok();
    }

    public Reply Stats(JsonElement? _)
    {
        var s = control.Stats();
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            Counters(w, "requests", s.Requests);
            Counters(w, "rateLimited", s.RateLimited);
            Counters(w, "faults", s.Faults);
            Counters(w, "writes", s.Writes);
            w.WriteStartObject("faultedWrites");
            w.WriteNumber("applied", s.FaultedWritesApplied);
            w.WriteNumber("notApplied", s.FaultedWritesNotApplied);
            w.WriteEndObject();
            w.WriteStartArray("faultEvents");
            foreach (var e in s.FaultEvents)
            {
                w.WriteStartObject();
                w.WriteString("kind", e.Kind);
                w.WriteString("method", e.Method);
                w.WriteString("path", e.Path);
                w.WriteBoolean("isWrite", e.IsWrite);
                w.WriteBoolean("applied", e.Applied);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public Reply State(JsonElement? _)
    {
        var state = control.ExportState();
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("objects");
            foreach (var (type, records) in state.Objects)
            {
                w.WriteStartArray(type);
                foreach (var r in records)
                {
                    w.WriteStartObject();
                    w.WriteString("id", r.Id);
                    w.WriteBoolean("archived", r.Archived);
                    w.WriteString("createdAt", JsonOut.Iso(r.CreatedAt.ToUnixTimeMilliseconds()));
                    w.WriteString("updatedAt", JsonOut.Iso(r.UpdatedAt.ToUnixTimeMilliseconds()));
                    if (r.ArchivedAt is { } a)
                    {
                        w.WriteString("archivedAt", JsonOut.Iso(a.ToUnixTimeMilliseconds()));
                    }

                    w.WriteStartObject("properties");
                    foreach (var (k, v) in r.Properties)
                    {
                        w.WriteString(k, v);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteStartArray("associations");
            foreach (var a in state.Associations)
            {
                w.WriteStartObject();
                w.WriteString("fromType", a.FromType);
                w.WriteString("fromId", a.FromId);
                w.WriteString("toType", a.ToType);
                w.WriteString("toId", a.ToId);
                w.WriteStartArray("typeIds");
                foreach (var id in a.TypeIds)
                {
                    w.WriteNumberValue(id);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public Reply GetClock(JsonElement? _) => ClockReply();

    public Reply SetClock(JsonElement? body)
    {
        var b = Body(body);
        if (JsonIn.Bool(b, "unfreeze") == true)
        {
            control.UnfreezeClock();
        }

        if (JsonIn.Long(b, "offsetMs") is { } offset)
        {
            control.SetClockOffset(TimeSpan.FromMilliseconds(offset));
        }

        if (JsonIn.String(b, "freezeAt") is { } freeze)
        {
            control.FreezeClock(freeze == "now" ? null : DateTimeOffset.Parse(freeze, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
        }

        if (JsonIn.Long(b, "advanceMs") is { } advance)
        {
            control.AdvanceClock(TimeSpan.FromMilliseconds(advance));
        }

        return ClockReply();
    }

    public Reply SetIndexLag(JsonElement? body)
    {
        var ms = JsonIn.Long(Body(body), "ms") ?? throw ApiException.Validation("ms is required.");
        control.SetIndexLag(TimeSpan.FromMilliseconds(ms));
        return Ok();
    }

    public Reply SetLatency(JsonElement? body)
    {
        var b = Body(body);
        control.SetLatency(EmulatorOptions.ParseLatency(JsonIn.String(b, "spec")), (int?)JsonIn.Long(b, "seed"));
        return Ok();
    }

    public Reply SetFaults(JsonElement? body)
    {
        var b = Body(body);
        control.SetFaults(JsonIn.String(b, "spec"), (int)(JsonIn.Long(b, "seed") ?? 1));
        return Ok();
    }

    public Reply SetTier(JsonElement? body)
    {
        var b = Body(body);
        var scale = JsonIn.Prop(b, "timeScale") is { } s ? s.ValueKind == JsonValueKind.Number ? s.GetDouble() : EmulatorOptions.ParseTimeScale(s.GetString() ?? string.Empty) : 1;
        control.SetTier(JsonIn.String(b, "tier", required: true)!, scale, JsonIn.Long(b, "dailyQuota"));
        if (JsonIn.Bool(b, "sendRetryAfter") is { } send)
        {
            control.SetSendRetryAfter(send);
        }

        return Ok();
    }

    public Reply SetScopes(JsonElement? body)
    {
        var b = Body(body);
        var scopes = JsonIn.Prop(b, "scopes") is { ValueKind: not JsonValueKind.Null } ? JsonIn.StringArray(b, "scopes") : null;
        control.SetScopes(scopes);
        return Ok();
    }

    public Reply ResetRateLimits(JsonElement? _)
    {
        control.ResetRateLimits();
        return Ok();
    }

    public Reply BulkUpdate(JsonElement? body)
    {
        var b = Body(body);
        var type = JsonIn.String(b, "objectType", required: true)!;
        var props = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (JsonIn.Prop(b, "properties") is { } p)
        {
            foreach (var kv in JsonIn.Object(p, "properties").EnumerateObject())
            {
                props[kv.Name] = JsonIn.ScalarText(kv.Value, kv.Name);
            }
        }

        var ids = JsonIn.Prop(b, "ids") is null ? null : JsonIn.StringArray(b, "ids");
        DateTimeOffset? at = JsonIn.String(b, "at") is { } a
            ? DateTimeOffset.Parse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
        var n = control.BulkUpdate(type, props, (int?)JsonIn.Long(b, "count"), ids, at);
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("updated", n);
            w.WriteEndObject();
        });
    }

    public Reply RestoreProperty(JsonElement? body)
    {
        var b = Body(body);
        control.RestoreProperty(JsonIn.String(b, "objectType", required: true)!, JsonIn.String(b, "name", required: true)!);
        return Ok();
    }

    public Reply RestoreRecord(JsonElement? body)
    {
        var b = Body(body);
        control.RestoreRecord(JsonIn.String(b, "objectType", required: true)!, JsonIn.String(b, "id", required: true)!);
        return Ok();
    }

    /// <summary>The webhook target (without its secret), the backlog, and every delivery kept with its attempts.</summary>
    public Reply GetWebhooks(JsonElement? _)
    {
        var deliveries = control.WebhookDeliveries();
        var (queued, inFlight) = control.WebhookBacklog;
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("url", rt.Webhooks.Url?.OriginalString);
            w.WriteString("style", rt.Webhooks.Style);
            w.WriteNumber("queued", queued);
            w.WriteNumber("inFlight", inFlight);
            w.WriteStartArray("deliveries");
            foreach (var d in deliveries)
            {
                w.WriteStartObject();
                w.WriteNumber("id", d.Id);
                w.WriteString("createdAt", JsonOut.Iso(d.CreatedAt.ToUnixTimeMilliseconds()));
                w.WriteNumber("events", d.Events);
                w.WriteString("state", d.State);
                w.WriteStartArray("subscriptionTypes");
                foreach (var t in d.SubscriptionTypes)
                {
                    w.WriteStringValue(t);
                }

                w.WriteEndArray();
                w.WriteStartArray("attempts");
                foreach (var a in d.Attempts)
                {
                    w.WriteStartObject();
                    w.WriteNumber("attemptNumber", a.Number);
                    w.WriteString("at", JsonOut.Iso(a.At.ToUnixTimeMilliseconds()));
                    if (a.Status is { } status)
                    {
                        w.WriteNumber("status", status);
                    }
                    else
                    {
                        w.WriteNull("status");
                    }

                    w.WriteString("error", a.Error);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Sets the webhook target: <c>{"url": "...", "secret": "...", "style": "mixed|generic"}</c>; a null url stops deliveries.</summary>
    public Reply SetWebhooks(JsonElement? body)
    {
        var b = Body(body);
        var url = JsonIn.String(b, "url") is { } u ? EmulatorOptions.ParseWebhookUrl(u) : null;
        control.ConfigureWebhooks(url, JsonIn.String(b, "secret"), JsonIn.String(b, "style") ?? "mixed");
        return Ok();
    }

    /// <summary>Merges records as HubSpot's UI does: <c>{"objectType": "deals", "primaryObjectId": "1", "objectIdToMerge": "2"}</c>.</summary>
    public Reply Merge(JsonElement? body)
    {
        var b = Body(body);
        control.Merge(
            JsonIn.String(b, "objectType", required: true)!,
            JsonIn.String(b, "primaryObjectId", required: true)!,
            JsonIn.String(b, "objectIdToMerge", required: true)!);
        return Ok();
    }

    private Reply ClockReply() => Reply.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("now", JsonOut.Iso(rt.Clock.NowMs));
        w.WriteBoolean("frozen", rt.Clock.IsFrozen);
        w.WriteNumber("offsetMs", (long)rt.Clock.Offset.TotalMilliseconds);
        w.WriteEndObject();
    });

    private static JsonElement Body(JsonElement? body) =>
        body is { } b ? JsonIn.Object(b, "the request body") : throw ApiException.Validation("A JSON body is required.");

    private static Reply Ok() => Reply.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("status", "ok");
        w.WriteEndObject();
    });

    private static void Counters(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counters)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in counters)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
    }
}
