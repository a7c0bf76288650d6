using System.Net;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The object writes: batch update, upsert, create and archive, one outcome per input.</summary>
internal sealed partial class HubSpotClient
{
    public Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
    {
        // Several updates of one record in a call are merged (later values win): HubSpot rejects duplicate ids in a batch.
        var merged = MergeByKey(updates, u => u.Id, u => u.Properties);
        return BatchWriteAsync(
            objectType,
            merged,
            updates.Select(u => u.Id).ToList(),
            Call("POST", "/crm/objects/{version}/{objectType}/batch/update", HubSpotBudget.General, idempotent: true),
            "update",
            (chunk, c, ct) => _api.Objects.BatchUpdateAsync(
                V, objectType, new BatchUpdateRequestDto(chunk.Select(p => new UpdateInputDto(p.Key, HubSpotMapping.ToWireProperties(p.Value))).ToList()), c, ct),
            result => result.Id,
            cancellationToken);
    }

    public Task<CrmBatchResult> BatchUpsertAsync(
        string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idProperty);
        var merged = MergeByKey(upserts, u => u.UniqueValue, u => u.Properties);
        return BatchWriteAsync(
            objectType,
            merged,
            upserts.Select(u => u.UniqueValue).ToList(),
            Call("POST", "/crm/objects/{version}/{objectType}/batch/upsert", HubSpotBudget.General, idempotent: true),
            "upsert",

            // Each input names its idProperty (the dated family's shape, which v3 accepts too); results say whether they are new.
            (chunk, c, ct) => _api.Objects.BatchUpsertAsync(
                V, objectType, new BatchUpsertRequestDto(chunk.Select(p => new UpsertInputDto(p.Key, idProperty, HubSpotMapping.ToWireProperties(p.Value))).ToList()), c, ct),
            result => result.Properties is { } props && props.TryGetValue(idProperty, out var value) ? value : null,
            cancellationToken);
    }

    public Task<CrmBatchResult> BatchCreateAsync(string objectType, IReadOnlyList<CrmCreate> creates, CancellationToken cancellationToken)
    {
        var duplicate = creates.GroupBy(c => c.TraceId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Trace id '{duplicate.Key}' is used by more than one create; each create needs its own.", nameof(creates));
        }

        var inputs = creates.Select(c => new KeyValuePair<string, IReadOnlyDictionary<string, string?>>(c.TraceId, c.Properties)).ToList();

        // A create carries its trace id, so a repeat after an unclear failure is detectable: it may be retried.
        return BatchWriteAsync(
            objectType,
            inputs,
            inputs.Select(i => i.Key).ToList(),
            Call("POST", "/crm/objects/{version}/{objectType}/batch/create", HubSpotBudget.General, idempotent: true),
            "create",
            (chunk, c, ct) => _api.Objects.BatchCreateAsync(
                V, objectType, new BatchCreateRequestDto(chunk.Select(p => new CreateInputDto(HubSpotMapping.ToWireProperties(p.Value), p.Key)).ToList()), c, ct),
            result => result.ObjectWriteTraceId,
            cancellationToken);
    }

    public async Task<CrmBatchResult> BatchArchiveAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var call = Call("POST", "/crm/objects/{version}/{objectType}/batch/archive", HubSpotBudget.General, idempotent: true);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var chunks = distinct.Chunk(ObjectBatchSize).ToList();
        var outcomes = new Dictionary<string, CrmWriteOutcome>[chunks.Count];
        await ForEachChunkAsync(chunks, async (chunk, index, ct) =>
        {
            var body = new BatchArchiveRequestDto(chunk.Select(id => new IdInputDto(id)).ToList());
            using var response = await SendForStatusAsync(call, (c, t) => _api.Objects.BatchArchiveAsync(V, objectType, body, c, t), ct);
            var byKey = new Dictionary<string, CrmWriteOutcome>(StringComparer.Ordinal);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var error = await HubSpotErrorBody.ReadAsync(response, ct);
                foreach (var id in chunk)
                {
                    byKey[id] = new CrmWriteOutcome(id, false, ErrorCategory: error.Category, ErrorMessage: Redact(error.FullMessage));
                }
            }
            else
            {
                var errors = response.StatusCode == HttpStatusCode.MultiStatus
                    ? await ReadJsonAsync(response, HubSpotJsonContext.Default.BatchObjectResponseDto, call, ct)
                    : null;
                var failed = (errors?.Errors ?? []).SelectMany(e => HubSpotMapping.ErrorKeys(e).Select(k => (Key: k, Error: e)))
                    .GroupBy(e => e.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First().Error, StringComparer.Ordinal);
                foreach (var id in chunk)
                {
                    byKey[id] = failed.TryGetValue(id, out var e)
                        ? new CrmWriteOutcome(id, false, ErrorCategory: e.Category, ErrorMessage: Redact(e.Message))
                        : new CrmWriteOutcome(id, true, RecordId: id);
                }
            }

            outcomes[index] = byKey;
        }, cancellationToken);

        var all = outcomes.SelectMany(o => o).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var result = new CrmBatchResult(ids.Select(id => all[id]).ToList());
        LogPartialFailure(call, result);
        return result;
    }

    private async Task<CrmBatchResult> BatchWriteAsync(
        string objectType,
        IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, string?>>> inputs,
        IReadOnlyList<string> keysInInputOrder,
        HubSpotCall call,
        string verb,
        Func<KeyValuePair<string, IReadOnlyDictionary<string, string?>>[], HubSpotCall, CancellationToken, Task<HttpResponseMessage>> send,
        Func<ObjectDto, string?> keyOfResult,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var chunks = inputs.Chunk(ObjectBatchSize).ToList();
        var outcomes = new Dictionary<string, CrmWriteOutcome>[chunks.Count];
        async Task<Dictionary<string, CrmWriteOutcome>> SendChunkAsync(KeyValuePair<string, IReadOnlyDictionary<string, string?>>[] chunk, CancellationToken ct)
        {
            using var response = await SendForStatusAsync(call, (c, t) => send(chunk, c, t), ct);
            var keys = chunk.Select(c => c.Key).ToList();
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var error = await HubSpotErrorBody.ReadAsync(response, ct);

                // A property HubSpot cannot write at all (it does not exist, or is read-only) would fail every input
                // that carries it. An update leaves it out and the batch goes again at once, so that the record's other
                // properties are written; its outcome names the properties left out, with HubSpot's reason. A create
                // or upsert (which may create) fails instead: a new record would lack a value it was made with. So does
                // an input with nothing else to write. Halving would spend up to 2n - 1 calls to find what the answer
                // already names.
                if (error.UnwritableProperties() is { Count: > 0 } unwritable
                    && chunk.Any(input => input.Value.Keys.Any(unwritable.ContainsKey)))
                {
                    var leaveOut = verb == "update";
                    var result = new Dictionary<string, CrmWriteOutcome>(StringComparer.Ordinal);
                    var refusedOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                    var again = new List<KeyValuePair<string, IReadOnlyDictionary<string, string?>>>();
                    foreach (var input in chunk)
                    {
                        var refused = input.Value.Keys.Where(unwritable.ContainsKey).Order(StringComparer.Ordinal).ToList();
                        if (refused.Count == 0)
                        {
                            again.Add(input);
                            continue;
                        }

                        var rest = input.Value.Where(p => !unwritable.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                        if (!leaveOut || rest.Count == 0)
                        {
                            result[input.Key] = new CrmWriteOutcome(input.Key, false, ErrorCategory: error.Category ?? "VALIDATION_ERROR", ErrorMessage: Reason(refused));
                        }
                        else
                        {
                            refusedOf[input.Key] = refused;
                            again.Add(new(input.Key, rest));
                        }
                    }

                    if (again.Count > 0)
                    {
                        foreach (var (key, outcome) in await SendChunkAsync([.. again], ct))
                        {
                            result[key] = refusedOf.TryGetValue(key, out var refused) && outcome.Succeeded
                                ? outcome with { RefusedProperties = refused, ErrorCategory = error.Category ?? "VALIDATION_ERROR", ErrorMessage = Reason(refused) }
                                : outcome;
                        }
                    }

                    return result;

                    string? Reason(List<string> refused) => Redact(string.Join("; ", refused.Select(name => unwritable[name])));
                }

                if (chunk.Length > 1)
                {
                    // HubSpot refuses a whole batch for one invalid input: halve it until the refused inputs are alone,
                    // so the valid ones are still written and only the invalid ones fail, with HubSpot's reason.
                    var half = chunk.Length / 2;
                    var first = await SendChunkAsync(chunk[..half], ct);
                    foreach (var (key, outcome) in await SendChunkAsync(chunk[half..], ct))
                    {
                        first[key] = outcome;
                    }

                    return first;
                }

                // The input alone is refused (a bad value, or a 2026-09 write-validation rule such as a conditionally required
                // property): a per-record failure with HubSpot's message, never retried as transient (a 400 is not).
                return keys.ToDictionary(
                    k => k, k => new CrmWriteOutcome(k, false, ErrorCategory: error.Category ?? "VALIDATION_ERROR", ErrorMessage: Redact(error.FullMessage)), StringComparer.Ordinal);
            }

            var batch = await ReadJsonAsync(response, HubSpotJsonContext.Default.BatchObjectResponseDto, call, ct);
            return MatchOutcomes(keys, batch, keyOfResult, Redact);
        }

        await ForEachChunkAsync(chunks, async (chunk, index, ct) => outcomes[index] = await SendChunkAsync(chunk, ct), cancellationToken);

        var all = outcomes.SelectMany(o => o).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var result = new CrmBatchResult(keysInInputOrder.Select(k => all[k]).ToList());
        LogPartialFailure(call, result);
        return result;
    }

    /// <summary>
    /// Matches a batch answer to its inputs: results by key (id, unique value or trace id), errors by the keys in
    /// their context; results without a key are matched in order to the inputs that are still unmatched.
    /// </summary>
    internal static Dictionary<string, CrmWriteOutcome> MatchOutcomes(
        IReadOnlyList<string> keys, BatchObjectResponseDto batch, Func<ObjectDto, string?> keyOfResult, Func<string?, string?> redact)
    {
        var outcomes = new Dictionary<string, CrmWriteOutcome>(StringComparer.Ordinal);
        var keySet = new HashSet<string>(keys, StringComparer.Ordinal);
        var unattributedErrors = new List<BatchErrorDto>();
        foreach (var error in batch.Errors ?? [])
        {
            var matched = false;
            foreach (var key in HubSpotMapping.ErrorKeys(error).Where(keySet.Contains))
            {
                outcomes.TryAdd(key, new CrmWriteOutcome(key, false, ErrorCategory: error.Category, ErrorMessage: redact(error.Message)));
                matched = true;
            }

            if (!matched)
            {
                unattributedErrors.Add(error);
            }
        }

        var unkeyedResults = new List<ObjectDto>();
        foreach (var result in batch.Results ?? [])
        {
            var key = keyOfResult(result);
            var match = key is null ? null : keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase) && !outcomes.ContainsKey(k));
            if (match is null)
            {
                unkeyedResults.Add(result);
                continue;
            }

            outcomes[match] = Succeeded(match, result);
        }

        var unmatched = keys.Where(k => !outcomes.ContainsKey(k)).ToList();
        if (unattributedErrors.Count == 0 && unkeyedResults.Count == unmatched.Count)
        {
            // HubSpot did not echo the keys: the results are the remaining inputs, in input order.
            for (var i = 0; i < unmatched.Count; i++)
            {
                outcomes[unmatched[i]] = Succeeded(unmatched[i], unkeyedResults[i]);
            }
        }
        else
        {
            var reason = unattributedErrors.FirstOrDefault();
            foreach (var key in unmatched)
            {
                outcomes[key] = new CrmWriteOutcome(
                    key,
                    false,
                    ErrorCategory: reason?.Category ?? "NO_RESULT",
                    ErrorMessage: redact(reason?.Message) ?? "HubSpot returned neither a result nor an error for this input.");
            }
        }

        return outcomes;

        static CrmWriteOutcome Succeeded(string key, ObjectDto result) =>
            new(key, true, RecordId: result.Id, Created: result.New ?? false, Record: HubSpotMapping.ToRecord(result));
    }

    private void LogPartialFailure(HubSpotCall call, CrmBatchResult result)
    {
        var failed = result.Outcomes.Count(o => !o.Succeeded);
        if (failed > 0)
        {
            Log.BatchPartiallyFailed(_logger, call.Route, failed, result.Outcomes.Count);
        }
    }

    private static List<KeyValuePair<string, IReadOnlyDictionary<string, string?>>> MergeByKey<T>(
        IReadOnlyList<T> items, Func<T, string> keyOf, Func<T, IReadOnlyDictionary<string, string?>> propertiesOf)
    {
        var merged = new Dictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var item in items)
        {
            var key = keyOf(item);
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(items));
            if (!merged.TryGetValue(key, out var properties))
            {
                merged[key] = properties = new Dictionary<string, string?>(StringComparer.Ordinal);
                order.Add(key);
            }

            foreach (var (name, value) in propertiesOf(item))
            {
                properties[name] = value;
            }
        }

        return order.Select(k => new KeyValuePair<string, IReadOnlyDictionary<string, string?>>(k, merged[k])).ToList();
    }
}
