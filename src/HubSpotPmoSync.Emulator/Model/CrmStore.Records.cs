using System.Globalization;
using System.Text.Json;
using HubSpotPmoSync.Emulator.Api;

namespace HubSpotPmoSync.Emulator.Model;

/// <summary>A validated property write: the value HubSpot would store (null clears), ready to apply atomically.</summary>
internal readonly record struct PreparedValue(PropertyDef Property, string? Value);

/// <summary>Record writes: HubSpot's value rules, required and unique properties, pipelines; then the atomic apply.</summary>
internal sealed partial class CrmStore
{
    public const int MaxStringLength = 65_536;

    /// <summary>The value of a property as HubSpot returns it (derived ones computed from the record).</summary>
    public string? Value(ObjectTypeDef t, PropertyDef p, in RecordView v)
    {
        if (p.Slot >= 0)
        {
            return v.Raw(p.Slot);
        }

        switch (p.Name)
        {
            case "hs_object_id":
            case "hs_ticket_id":
                return v.Id.ToString(CultureInfo.InvariantCulture);
            case "createdate":
            case "hs_createdate":
                return JsonOut.Iso(v.CreatedAt);
            case "hs_lastmodifieddate":
            case "lastmodifieddate":
                return JsonOut.Iso(v.UpdatedAt);
            case "hs_deal_stage_probability":
                var pipeline = t.Pipeline(v.Raw(t.Properties["pipeline"].Slot) ?? string.Empty);
                return pipeline?.Stage(v.Raw(t.Properties["dealstage"].Slot) ?? string.Empty)?.Metadata.GetValueOrDefault("probability");
            default:
                return null;
        }
    }

    /// <summary>A comparable number for numeric and time properties (epoch ms for dates), or null.</summary>
    public double? NumericValue(ObjectTypeDef t, PropertyDef p, in RecordView v)
    {
        switch (p.Name)
        {
            case "hs_object_id":
            case "hs_ticket_id":
                return v.Id;
            case "createdate":
            case "hs_createdate":
                return v.CreatedAt;
            case "hs_lastmodifieddate":
            case "lastmodifieddate":
                return v.UpdatedAt;
        }

        var s = Value(t, p, v);
        if (s is null)
        {
            return null;
        }

        if (p.IsTime)
        {
            return ParseTimeMs(s) is { } ms ? ms : null;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>Epoch ms from epoch-ms digits, a <c>YYYY-MM-DD</c> date or an ISO-8601 datetime; null when none of them.</summary>
    public static long? ParseTimeMs(string s)
    {
        s = s.Trim();
        if (s.Length > 0 && (char.IsAsciiDigit(s[0]) || s[0] == '-') && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        if (s.Length == 10 && DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
        {
            return new DateTimeOffset(d, TimeSpan.Zero).ToUnixTimeMilliseconds();
        }

        if (s.Length >= 16 && s[4] == '-' && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
        {
            return dto.ToUnixTimeMilliseconds();
        }

        return null;
    }

    /// <summary>Validates a <c>properties</c> object; throws one 400 listing every invalid value.</summary>
    public List<PreparedValue> PrepareProperties(ObjectTypeDef t, JsonElement? properties, CrmRecord? existing, bool isCreate)
    {
        var prepared = new List<PreparedValue>();
        var invalid = new List<(string Name, string Message, string Code)>();
        if (properties is { } props)
        {
            if (props.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.Validation($"Invalid input JSON: 'properties' must be an object, not {JsonIn.Kind(props)}.");
            }

            foreach (var prop in props.EnumerateObject())
            {
                var def = t.Property(prop.Name);
                if (def is null)
                {
                    invalid.Add((prop.Name, $"Property \"{prop.Name}\" does not exist", "PROPERTY_DOESNT_EXIST"));
                    continue;
                }

                if (def.ReadOnlyValue)
                {
                    invalid.Add((prop.Name, $"\"{prop.Name}\" is a read only property; its value cannot be set.", "READ_ONLY_VALUE"));
                    continue;
                }

                var raw = JsonIn.ScalarText(prop.Value, prop.Name);
                var current = existing?.Get(def.Slot);
                var value = Normalize(def, raw, current, out var message, out var code);
                if (message is not null)
                {
                    invalid.Add((prop.Name, message, code!));
                    continue;
                }

                prepared.RemoveAll(p => p.Property == def);
                prepared.Add(new PreparedValue(def, value));
            }
        }

        CheckPipeline(t, prepared, existing, invalid);
        if (invalid.Count > 0)
        {
            throw InvalidProperties(invalid);
        }

        if (isCreate)
        {
            var missing = t.RequiredProperties.Where(r => !prepared.Exists(p => p.Property.Name == r && p.Value is not null)).ToList();
            if (missing.Count > 0)
            {
                throw InvalidProperties([.. missing.Select(m => (m, $"Required property \"{m}\" is missing.", "REQUIRED_PROPERTY"))]);
            }

            if (t.RequiredAnyOf.Count > 0 && !t.RequiredAnyOf.Exists(r => prepared.Exists(p => p.Property.Name == r && p.Value is not null)))
            {
                throw InvalidProperties([(t.RequiredAnyOf[0], $"One of {string.Join(", ", t.RequiredAnyOf)} is required.", "REQUIRED_PROPERTY")]);
            }
        }

        return prepared;
    }

    private void CheckPipeline(ObjectTypeDef t, List<PreparedValue> prepared, CrmRecord? existing, List<(string, string, string)> invalid)
    {
        if (t.PipelineProperty is null || t.StageProperty is null)
        {
            return;
        }

        var pipelineDef = t.Properties[t.PipelineProperty];
        var stageDef = t.Properties[t.StageProperty];
        var newPipeline = prepared.FindIndex(p => p.Property == pipelineDef);
        var newStage = prepared.FindIndex(p => p.Property == stageDef);
        if (newPipeline < 0 && newStage < 0)
        {
            return;
        }

        var pipelineId = newPipeline >= 0 ? prepared[newPipeline].Value : existing?.Get(pipelineDef.Slot);
        if (pipelineId is null && newStage >= 0 && prepared[newStage].Value is not null && t.Pipelines.Count > 0)
        {
            // HubSpot puts a record without an explicit pipeline in the default (first) pipeline.
            pipelineId = t.Pipelines.Find(p => !p.Archived)?.Id;
            if (pipelineId is not null && existing is null)
            {
                prepared.Add(new PreparedValue(pipelineDef, pipelineId));
            }
        }

        if (pipelineId is null)
        {
            return;
        }

        var pipeline = t.Pipeline(pipelineId);
        if (pipeline is null)
        {
            invalid.Add((pipelineDef.Name, $"{pipelineId} was not one of the allowed options: [{string.Join(", ", t.Pipelines.Where(p => !p.Archived).Select(p => p.Id))}]", "INVALID_OPTION"));
            return;
        }

        if (newPipeline >= 0)
        {
            prepared[newPipeline] = new PreparedValue(pipelineDef, pipeline.Id);
        }

        var stageId = newStage >= 0 ? prepared[newStage].Value : existing?.Get(stageDef.Slot);
        if (stageId is null)
        {
            return;
        }

        var stage = pipeline.Stage(stageId);
        if (stage is null)
        {
            invalid.Add((stageDef.Name, $"{stageId} was not one of the allowed options for pipeline {pipeline.Id}: [{string.Join(", ", pipeline.Stages.Where(s => !s.Archived).Select(s => s.Id))}]", "INVALID_OPTION"));
            return;
        }

        if (newStage >= 0)
        {
            prepared[newStage] = new PreparedValue(stageDef, stage.Id);
        }
    }

    private ApiException InvalidProperties(List<(string Name, string Message, string Code)> invalid)
    {
        var summary = JsonOut.Write(w =>
        {
            w.WriteStartArray();
            foreach (var (name, message, code) in invalid)
            {
                w.WriteStartObject();
                w.WriteBoolean("isValid", false);
                w.WriteString("message", message);
                w.WriteString("error", code);
                w.WriteString("name", name);
                w.WriteString("localizedErrorMessage", message);
                w.WriteNumber("portalId", PortalId);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        var details = invalid.Select(i => new ErrorDetail(i.Message, i.Code,
            new Dictionary<string, string[]> { ["propertyName"] = [i.Name] })).ToArray();
        return ApiException.Validation($"Property values were not valid: {System.Text.Encoding.UTF8.GetString(summary)}", details);
    }

    /// <summary>HubSpot's value rules per property type. Returns the stored form, or sets an error message and code.</summary>
    public static string? Normalize(PropertyDef p, string? raw, string? current, out string? error, out string? code)
    {
        error = null;
        code = null;
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        switch (p.Type)
        {
            case "number":
                var t = raw.Trim();
                if (!decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    error = $"{raw} was not a valid number.";
                    code = "INVALID_INTEGER";
                    return null;
                }

                return t;
            case "bool":
                if (raw.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    return "true";
                }

                if (raw.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    return "false";
                }

                error = $"{raw} was not one of the allowed options: [true, false]";
                code = "INVALID_OPTION";
                return null;
            case "date":
                var dms = ParseTimeMs(raw);
                if (dms is null)
                {
                    error = $"{raw} is not a valid date: use YYYY-MM-DD or epoch milliseconds at midnight UTC.";
                    code = "INVALID_DATE";
                    return null;
                }

                if (dms.Value % 86_400_000 != 0)
                {
                    error = $"{raw} is not a valid date: it is not midnight UTC.";
                    code = "INVALID_DATE";
                    return null;
                }

                return DateTimeOffset.FromUnixTimeMilliseconds(dms.Value).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "datetime":
                var ms = ParseTimeMs(raw);
                if (ms is null || ms < -62_135_596_800_000 || ms > 253_402_300_799_999)
                {
                    error = $"{raw} is not a valid datetime: use ISO-8601 or epoch milliseconds.";
                    code = "INVALID_DATE";
                    return null;
                }

                return JsonOut.Iso(ms.Value);
            case "enumeration":
                if (p.Options.Count == 0 && p.Name is "pipeline" or "dealstage" or "hs_pipeline" or "hs_pipeline_stage")
                {
                    return raw;
                }

                var append = p.AllowsMultiple && raw.StartsWith(';');
                var parts = p.AllowsMultiple ? raw.Split(';', StringSplitOptions.RemoveEmptyEntries) : [raw];
                var chosen = new List<string>();
                if (append && current is not null)
                {
                    chosen.AddRange(current.Split(';', StringSplitOptions.RemoveEmptyEntries));
                }

                foreach (var part in parts)
                {
                    var option = p.Options.Find(o => o.Value == part);
                    if (option is null)
                    {
                        error = $"{part} was not one of the allowed options: [{string.Join(", ", p.Options.Select(o => o.Value))}]";
                        code = "INVALID_OPTION";
                        return null;
                    }

                    if (!chosen.Contains(option.Value))
                    {
                        chosen.Add(option.Value);
                    }
                }

                return chosen.Count == 1 ? p.Options.Find(o => o.Value == chosen[0])!.Value : string.Join(';', chosen);
            default:
                if (raw.Length > MaxStringLength)
                {
                    error = $"The value of {p.Name} is {raw.Length} characters long; the maximum is {MaxStringLength}.";
                    code = "INVALID_LENGTH";
                    return null;
                }

                return raw;
        }
    }

    /// <summary>Throws 409 when a unique value is already held by another live record (or earlier in the same batch).</summary>
    public void CheckUnique(ObjectTypeDef t, List<PreparedValue> prepared, CrmRecord? self, Dictionary<string, string>? claimedInBatch = null)
    {
        foreach (var pv in prepared)
        {
            if (!pv.Property.HasUniqueValue || pv.Value is null)
            {
                continue;
            }

            var index = t.Unique[pv.Property.Name];
            if (index.TryGetValue(pv.Value, out var holder) && holder != self)
            {
                throw Duplicate(t, pv, holder.Id.ToString(CultureInfo.InvariantCulture));
            }

            if (claimedInBatch is not null)
            {
                var key = pv.Property.Name + "\u0001" + pv.Value;
                if (!claimedInBatch.TryAdd(key, self?.Id.ToString(CultureInfo.InvariantCulture) ?? "new"))
                {
                    throw Duplicate(t, pv, claimedInBatch[key]);
                }
            }
        }
    }

    private static ApiException Duplicate(ObjectTypeDef t, PreparedValue pv, string existingId)
    {
        var message = t.Name == "contacts" && pv.Property.Name == "email"
            ? $"Contact already exists. Existing ID: {existingId}"
            : $"A {t.LabelSingular.ToLowerInvariant()} with {pv.Property.Name} \"{pv.Value}\" already exists. Existing ID: {existingId}";
        return ApiException.Conflict(message, new ErrorDetail(message, "CONFLICT",
            new Dictionary<string, string[]> { ["propertyName"] = [pv.Property.Name], ["existingId"] = [existingId] }));
    }

    public CrmRecord CreateRecord(ObjectTypeDef t, List<PreparedValue> prepared, long now)
    {
        var values = new string?[Math.Max(1, t.SlotCount)];
        var r = new CrmRecord(NewRecordId(), now, values);
        foreach (var pv in prepared)
        {
            r.Set(pv.Property.Slot, pv.Value);
            if (pv.Property.HasUniqueValue && pv.Value is not null)
            {
                t.Unique[pv.Property.Name][pv.Value] = r;
            }
        }

        t.Append(r);
        t.LiveCount++;
        IndexNew(r, now);
        Emit(new StoreChange(StoreChangeKind.Creation, t, r.Id, now, "API"));
        return r;
    }

    /// <summary>Applies validated values; returns false (and changes nothing, not even the modification date) when nothing differs.</summary>
    public bool UpdateRecord(ObjectTypeDef t, CrmRecord r, List<PreparedValue> prepared, long now)
    {
        if (prepared.TrueForAll(pv => r.Get(pv.Property.Slot) == pv.Value))
        {
            return false;
        }

        BeforeIndexedChange(r, now);
        EmitPropertyChanges(t, r, prepared, now, "API");
        foreach (var pv in prepared)
        {
            var old = r.Get(pv.Property.Slot);
            if (pv.Property.HasUniqueValue)
            {
                var index = t.Unique[pv.Property.Name];
                if (old is not null && index.TryGetValue(old, out var holder) && holder == r)
                {
                    index.Remove(old);
                }

                if (pv.Value is not null)
                {
                    index[pv.Value] = r;
                }
            }

            r.Set(pv.Property.Slot, pv.Value);
        }

        r.UpdatedAt = now;
        AfterIndexedChange(r, now);
        return true;
    }

    /// <summary>Moves a record to the recycle bin. Its modification date does not change (as in HubSpot).</summary>
    public void ArchiveRecord(ObjectTypeDef t, CrmRecord r, long now) => ArchiveRecord(t, r, now, notify: true);

    private void ArchiveRecord(ObjectTypeDef t, CrmRecord r, long now, bool notify)
    {
        if (r.Archived)
        {
            return;
        }

        BeforeIndexedChange(r, now);
        r.Archived = true;
        r.ArchivedAt = now;
        t.ArchivedIds.Add(r.Id);
        t.LiveCount--;
        foreach (var (name, index) in t.Unique)
        {
            var v = r.Get(t.Properties[name].Slot);
            if (v is not null && index.TryGetValue(v, out var holder) && holder == r)
            {
                index.Remove(v);
            }
        }

        AfterIndexedChange(r, now);
        if (notify)
        {
            Emit(new StoreChange(StoreChangeKind.Deletion, t, r.Id, now, "API"));
        }
    }

    /// <summary>Finds a record by id, or by a unique property with <paramref name="idProperty"/>.</summary>
    public CrmRecord? FindRecord(ObjectTypeDef t, string id, string? idProperty, bool archived)
    {
        CrmRecord? r;
        if (string.IsNullOrEmpty(idProperty) || idProperty == "hs_object_id")
        {
            r = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? t.Find(n) : null;
        }
        else
        {
            var p = UniqueProperty(t, idProperty);
            if (archived)
            {
                r = t.Records.LastOrDefault(x => x.Archived && x.Get(p.Slot) == id);
            }
            else
            {
                r = t.Unique[p.Name].GetValueOrDefault(id);
            }
        }

        return r is not null && r.Archived == archived ? r : null;
    }

    public PropertyDef UniqueProperty(ObjectTypeDef t, string idProperty)
    {
        var p = t.Property(idProperty) ?? throw ApiException.Validation($"Property \"{idProperty}\" does not exist",
            new ErrorDetail($"Property \"{idProperty}\" does not exist", "PROPERTY_DOESNT_EXIST",
                new Dictionary<string, string[]> { ["propertyName"] = [idProperty] }));
        if (!p.HasUniqueValue)
        {
            throw ApiException.Validation($"{idProperty} is not a unique property; idProperty must name a property with hasUniqueValue=true.",
                new ErrorDetail($"{idProperty} is not a unique property", "INVALID_ID_PROPERTY",
                    new Dictionary<string, string[]> { ["propertyName"] = [idProperty] }));
        }

        return p;
    }
}
