using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HubSpotPmoSync.HubSpot;

/// <summary>
/// The typed HubSpot client behind <see cref="ICrmSource"/> and <see cref="ICrmWriter"/>: builds requests,
/// pages, batches and splits searches; the handlers below it authenticate, rate-limit and retry.
/// </summary>
internal sealed partial class HubSpotClient : ICrmSource, ICrmWriter
{
    /// <summary>HubSpot's maximum inputs per object batch call.</summary>
    internal const int ObjectBatchSize = 100;

    /// <summary>HubSpot's maximum records per list page.</summary>
    internal const int MaxListPageSize = 100;

    /// <summary>HubSpot's cap on the results one search query can page through.</summary>
    internal const int SearchResultCap = 10_000;

    /// <summary>HubSpot's maximum inputs per associations v4 batch create.</summary>
    internal const int AssociationWriteBatchSize = 1_000;

    private readonly HttpClient _http;
    private readonly HubSpotOptions _options;
    private readonly ILogger _logger;

    public HubSpotClient(HttpClient http, IOptions<HubSpotOptions> options, ILogger<HubSpotClient> logger)
    {
        _http = http;
        _options = options.Value;
        _logger = logger;
    }

    // ---------------------------------------------------------------- reads

    public async IAsyncEnumerable<CrmPage> ListAsync(
        string objectType,
        IReadOnlyCollection<string> properties,
        CrmListOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var call = new HubSpotCall("GET /crm/v3/objects/{objectType}", HubSpotBudget.General, Idempotent: true);
        var limit = Math.Clamp(options.PageSize, 1, MaxListPageSize);
        var propertyList = properties.Count == 0 ? null : string.Join(',', properties.Distinct(StringComparer.Ordinal));
        var after = options.StartAfter;
        var seenCursors = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var query = new List<string>
            {
                $"limit={limit.ToString(CultureInfo.InvariantCulture)}",
                $"archived={(options.Archived ? "true" : "false")}",
            };
            if (propertyList is not null)
            {
                query.Add("properties=" + Uri.EscapeDataString(propertyList));
            }

            if (after is not null)
            {
                query.Add("after=" + Uri.EscapeDataString(after));
            }

            var page = await SendAsync(
                HttpMethod.Get, $"crm/v3/objects/{Segment(objectType)}?{string.Join('&', query)}", call, null, HubSpotJsonContext.Default.ObjectListResponseDto, cancellationToken);
            var next = page.Paging?.Next?.After;
            if (next is not null && !seenCursors.Add(next))
            {
                throw new CrmException($"HubSpot returned the paging cursor '{next}' twice while listing {objectType}; stopping rather than looping.");
            }

            yield return new CrmPage((page.Results ?? []).Select(HubSpotMapping.ToRecord).ToList(), next);
            after = next;
        }
        while (after is not null);
    }

    public async Task<CrmBatchReadResult> BatchReadAsync(
        string objectType, IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var call = new HubSpotCall("POST /crm/v3/objects/{objectType}/batch/read", HubSpotBudget.General, Idempotent: true);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var chunks = distinct.Chunk(ObjectBatchSize).ToList();
        var found = new Dictionary<string, CrmRecord>[chunks.Count];
        await ForEachChunkAsync(chunks, async (chunk, index, ct) =>
        {
            var body = new BatchReadRequestDto(chunk.Select(id => new IdInputDto(id)).ToList(), properties.Distinct(StringComparer.Ordinal).ToList(), []);
            var response = await SendAsync(
                HttpMethod.Post,
                $"crm/v3/objects/{Segment(objectType)}/batch/read?archived=false",
                call,
                Json(body, HubSpotJsonContext.Default.BatchReadRequestDto),
                HubSpotJsonContext.Default.BatchObjectResponseDto,
                ct);
            var unexpected = (response.Errors ?? []).FirstOrDefault(e => e.Category is not ("OBJECT_NOT_FOUND" or null));
            if (unexpected is not null)
            {
                throw new CrmException($"HubSpot batch read of {objectType} failed: {unexpected.Category}: {Redact(unexpected.Message)}", 207, unexpected.Category);
            }

            found[index] = (response.Results ?? []).Select(HubSpotMapping.ToRecord).ToDictionary(r => r.Id, StringComparer.Ordinal);
        }, cancellationToken);

        var all = found.SelectMany(f => f).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var records = distinct.Where(all.ContainsKey).Select(id => all[id]).ToList();
        var missing = distinct.Where(id => !all.ContainsKey(id)).ToList();
        return new CrmBatchReadResult(records, missing);
    }

    public async Task<IReadOnlyList<CrmAssociationLink>> ReadAssociationsAsync(
        string fromType, string toType, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromType);
        ArgumentException.ThrowIfNullOrEmpty(toType);
        var call = new HubSpotCall("POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read", HubSpotBudget.Associations, Idempotent: true);
        var path = $"crm/v4/associations/{Segment(fromType)}/{Segment(toType)}/batch/read";
        var distinct = fromIds.Distinct(StringComparer.Ordinal).ToList();
        var chunks = distinct.Chunk(_options.AssociationsBatchSize).ToList();
        var results = new List<CrmAssociationLink>[chunks.Count];
        await ForEachChunkAsync(chunks, async (chunk, index, ct) =>
        {
            // Links keyed by (from, to) so a pair split across pages keeps every association type once.
            var links = new Dictionary<(string From, string To), List<AssociationKind>>();
            var pending = chunk.Select(id => new AssociationReadInputDto(id, null)).ToList();
            var cursors = new HashSet<(string, string)>();
            while (pending.Count > 0)
            {
                var response = await SendAsync(
                    HttpMethod.Post,
                    path,
                    call,
                    Json(new AssociationBatchReadRequestDto(pending), HubSpotJsonContext.Default.AssociationBatchReadRequestDto),
                    HubSpotJsonContext.Default.AssociationBatchReadResponseDto,
                    ct);
                var unexpected = (response.Errors ?? []).FirstOrDefault(e => !IsNoAssociations(e));
                if (unexpected is not null)
                {
                    throw new CrmException(
                        $"HubSpot association read {fromType}→{toType} failed: {unexpected.Category}: {Redact(unexpected.Message)}", 207, unexpected.Category);
                }

                pending = [];
                foreach (var result in response.Results ?? [])
                {
                    foreach (var to in result.To ?? [])
                    {
                        var key = (result.From.Id, to.ToObjectId);
                        if (!links.TryGetValue(key, out var kinds))
                        {
                            links[key] = kinds = [];
                        }

                        foreach (var kind in (to.AssociationTypes ?? []).Select(HubSpotMapping.ToKind))
                        {
                            if (!kinds.Contains(kind))
                            {
                                kinds.Add(kind);
                            }
                        }
                    }

                    if (result.Paging?.Next?.After is { } after)
                    {
                        if (!cursors.Add((result.From.Id, after)))
                        {
                            throw new CrmException($"HubSpot returned the association cursor '{after}' for {fromType} {result.From.Id} twice; stopping rather than looping.");
                        }

                        pending.Add(new AssociationReadInputDto(result.From.Id, after));
                    }
                }
            }

            results[index] = links.Select(l => new CrmAssociationLink(l.Key.From, l.Key.To, l.Value)).ToList();
        }, cancellationToken);

        return results.SelectMany(r => r).ToList();
    }

    public Task<IReadOnlyList<CrmPropertyDefinition>> GetPropertiesAsync(string objectType, CancellationToken cancellationToken) =>
        ListPropertiesAsync(objectType, archived: false, cancellationToken);

    public Task<IReadOnlyList<CrmPropertyDefinition>> GetArchivedPropertiesAsync(string objectType, CancellationToken cancellationToken) =>
        ListPropertiesAsync(objectType, archived: true, cancellationToken);

    private async Task<IReadOnlyList<CrmPropertyDefinition>> ListPropertiesAsync(string objectType, bool archived, CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            HttpMethod.Get,
            $"crm/v3/properties/{Segment(objectType)}{(archived ? "?archived=true" : string.Empty)}",
            new HubSpotCall("GET /crm/v3/properties/{objectType}", HubSpotBudget.General, Idempotent: true),
            null,
            HubSpotJsonContext.Default.PropertyListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Select(HubSpotMapping.ToProperty).ToList();
    }

    public async Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(string objectType, CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            HttpMethod.Get,
            $"crm/v3/pipelines/{Segment(objectType)}",
            new HubSpotCall("GET /crm/v3/pipelines/{objectType}", HubSpotBudget.General, Idempotent: true),
            null,
            HubSpotJsonContext.Default.PipelineListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Where(p => p.Archived != true).OrderBy(p => p.DisplayOrder ?? 0).Select(HubSpotMapping.ToPipeline).ToList();
    }

    public async Task<IReadOnlyList<CrmObjectSchema>> GetSchemasAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            HttpMethod.Get,
            "crm-object-schemas/v3/schemas",
            new HubSpotCall("GET /crm-object-schemas/v3/schemas", HubSpotBudget.General, Idempotent: true),
            null,
            HubSpotJsonContext.Default.SchemaListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Where(s => s.Archived != true).Select(HubSpotMapping.ToSchema).ToList();
    }

    // ---------------------------------------------------------------- writes

    public Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
    {
        // Several updates of one record in a call are merged (later values win): HubSpot rejects duplicate ids in a batch.
        var merged = MergeByKey(updates, u => u.Id, u => u.Properties);
        return BatchWriteAsync(
            objectType,
            merged,
            updates.Select(u => u.Id).ToList(),
            new HubSpotCall("POST /crm/v3/objects/{objectType}/batch/update", HubSpotBudget.General, Idempotent: true),
            "update",
            chunk => Json(
                new BatchUpdateRequestDto(chunk.Select(p => new UpdateInputDto(p.Key, HubSpotMapping.ToWireProperties(p.Value))).ToList()),
                HubSpotJsonContext.Default.BatchUpdateRequestDto),
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
            new HubSpotCall("POST /crm/v3/objects/{objectType}/batch/upsert", HubSpotBudget.General, Idempotent: true),
            "upsert",
            chunk => Json(
                new BatchUpsertRequestDto(chunk.Select(p => new UpsertInputDto(p.Key, idProperty, HubSpotMapping.ToWireProperties(p.Value))).ToList()),
                HubSpotJsonContext.Default.BatchUpsertRequestDto),
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
            new HubSpotCall("POST /crm/v3/objects/{objectType}/batch/create", HubSpotBudget.General, Idempotent: true),
            "create",
            chunk => Json(
                new BatchCreateRequestDto(chunk.Select(p => new CreateInputDto(HubSpotMapping.ToWireProperties(p.Value), p.Key)).ToList()),
                HubSpotJsonContext.Default.BatchCreateRequestDto),
            result => result.ObjectWriteTraceId,
            cancellationToken);
    }

    public async Task<CrmBatchResult> BatchArchiveAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var call = new HubSpotCall("POST /crm/v3/objects/{objectType}/batch/archive", HubSpotBudget.General, Idempotent: true);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var chunks = distinct.Chunk(ObjectBatchSize).ToList();
        var outcomes = new Dictionary<string, CrmWriteOutcome>[chunks.Count];
        await ForEachChunkAsync(chunks, async (chunk, index, ct) =>
        {
            using var response = await SendForStatusAsync(
                HttpMethod.Post,
                $"crm/v3/objects/{Segment(objectType)}/batch/archive",
                call,
                Json(new BatchArchiveRequestDto(chunk.Select(id => new IdInputDto(id)).ToList()), HubSpotJsonContext.Default.BatchArchiveRequestDto),
                ct);
            var byKey = new Dictionary<string, CrmWriteOutcome>(StringComparer.Ordinal);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var error = await HubSpotErrorBody.ReadAsync(response, ct);
                foreach (var id in chunk)
                {
                    byKey[id] = new CrmWriteOutcome(id, false, ErrorCategory: error.Category, ErrorMessage: Redact(error.Message));
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

    public async Task CreateAssociationsAsync(
        string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromType);
        ArgumentException.ThrowIfNullOrEmpty(toType);
        var basePath = $"crm/v4/associations/{Segment(fromType)}/{Segment(toType)}/batch";
        var failures = new List<string>();

        // Creating a link that exists replaces its labels with the same ones: a repeat cannot duplicate.
        var defaults = links.Where(l => l.Kinds is null || l.Kinds.Count == 0).ToList();
        var defaultCall = new HubSpotCall("POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default", HubSpotBudget.Associations, Idempotent: true);
        foreach (var chunk in defaults.Chunk(AssociationWriteBatchSize))
        {
            var body = new AssociationBatchDefaultRequestDto(chunk.Select(l => new AssociationDefaultInputDto(new IdInputDto(l.FromId), new IdInputDto(l.ToId))).ToList());
            failures.AddRange(await SendAssociationWriteAsync(
                $"{basePath}/associate/default", defaultCall, Json(body, HubSpotJsonContext.Default.AssociationBatchDefaultRequestDto), cancellationToken));
        }

        // Labelled links: one input per pair with every wanted label (HubSpot replaces a pair's labels on each create).
        var labelled = links.Where(l => l.Kinds is { Count: > 0 })
            .GroupBy(l => (l.FromId, l.ToId))
            .Select(g => new AssociationCreateInputDto(
                new IdInputDto(g.Key.FromId),
                new IdInputDto(g.Key.ToId),
                g.SelectMany(l => l.Kinds!).Distinct().Select(k => new AssociationSpecDto(k.Category, k.TypeId)).ToList()))
            .ToList();
        var createCall = new HubSpotCall("POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create", HubSpotBudget.Associations, Idempotent: true);
        foreach (var chunk in labelled.Chunk(AssociationWriteBatchSize))
        {
            failures.AddRange(await SendAssociationWriteAsync(
                $"{basePath}/create", createCall, Json(new AssociationBatchCreateRequestDto([.. chunk]), HubSpotJsonContext.Default.AssociationBatchCreateRequestDto), cancellationToken));
        }

        if (failures.Count > 0)
        {
            throw new CrmException(
                $"HubSpot refused {failures.Count} association write(s) {fromType}→{toType}: {string.Join("; ", failures.Take(5))}", 207, "BATCH_ERRORS");
        }
    }

    public async Task ArchiveAssociationsAsync(
        string fromType, string toType, IReadOnlyList<(string FromId, string ToId)> pairs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromType);
        ArgumentException.ThrowIfNullOrEmpty(toType);
        var call = new HubSpotCall("POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive", HubSpotBudget.Associations, Idempotent: true);
        var inputs = pairs.Distinct()
            .GroupBy(p => p.FromId, StringComparer.Ordinal)
            .Select(g => new AssociationArchiveInputDto(new IdInputDto(g.Key), g.Select(p => new IdInputDto(p.ToId)).ToList()))
            .ToList();
        var failures = new List<string>();
        foreach (var chunk in inputs.Chunk(ObjectBatchSize))
        {
            failures.AddRange(await SendAssociationWriteAsync(
                $"crm/v4/associations/{Segment(fromType)}/{Segment(toType)}/batch/archive",
                call,
                Json(new AssociationBatchArchiveRequestDto([.. chunk]), HubSpotJsonContext.Default.AssociationBatchArchiveRequestDto),
                cancellationToken));
        }

        if (failures.Count > 0)
        {
            throw new CrmException(
                $"HubSpot refused {failures.Count} association removal(s) {fromType}→{toType}: {string.Join("; ", failures.Take(5))}", 207, "BATCH_ERRORS");
        }
    }

    public async Task CreatePropertyGroupAsync(string objectType, CrmPropertyGroup group, CancellationToken cancellationToken)
    {
        using var response = await SendForStatusAsync(
            HttpMethod.Post,
            $"crm/v3/properties/{Segment(objectType)}/groups",
            new HubSpotCall("POST /crm/v3/properties/{objectType}/groups", HubSpotBudget.General, Idempotent: false),
            Json(new PropertyGroupDto(group.Name, group.Label, group.DisplayOrder), HubSpotJsonContext.Default.PropertyGroupDto),
            cancellationToken);
        await EnsureSuccessAsync(response, "POST /crm/v3/properties/{objectType}/groups", cancellationToken);
    }

    public async Task<IReadOnlyList<CrmPropertyGroup>> GetPropertyGroupsAsync(string objectType, CancellationToken cancellationToken)
    {
        var response = await SendAsync(
            HttpMethod.Get,
            $"crm/v3/properties/{Segment(objectType)}/groups",
            new HubSpotCall("GET /crm/v3/properties/{objectType}/groups", HubSpotBudget.General, Idempotent: true),
            null,
            HubSpotJsonContext.Default.PropertyGroupListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Select(g => new CrmPropertyGroup(g.Name, g.Label ?? g.Name, g.DisplayOrder ?? 0)).ToList();
    }

    public async Task CreatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken)
    {
        const string Route = "POST /crm/v3/properties/{objectType}";
        using var response = await SendForStatusAsync(
            HttpMethod.Post,
            $"crm/v3/properties/{Segment(objectType)}",
            new HubSpotCall(Route, HubSpotBudget.General, Idempotent: false),
            Json(HubSpotMapping.ToCreate(property), HubSpotJsonContext.Default.PropertyCreateDto),
            cancellationToken);
        await EnsureSuccessAsync(response, Route, cancellationToken);
    }

    public async Task UpdatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken)
    {
        const string Route = "PATCH /crm/v3/properties/{objectType}/{propertyName}";
        using var response = await SendForStatusAsync(
            HttpMethod.Patch,
            $"crm/v3/properties/{Segment(objectType)}/{Segment(property.Name)}",
            new HubSpotCall(Route, HubSpotBudget.General, Idempotent: true),
            Json(HubSpotMapping.ToUpdate(property), HubSpotJsonContext.Default.PropertyUpdateDto),
            cancellationToken);
        await EnsureSuccessAsync(response, Route, cancellationToken);
    }

    public async Task<CrmObjectSchema> CreateSchemaAsync(CrmObjectSchema schema, CancellationToken cancellationToken)
    {
        var created = await SendAsync(
            HttpMethod.Post,
            "crm-object-schemas/v3/schemas",
            new HubSpotCall("POST /crm-object-schemas/v3/schemas", HubSpotBudget.General, Idempotent: false),
            Json(HubSpotMapping.ToCreate(schema), HubSpotJsonContext.Default.SchemaCreateDto),
            HubSpotJsonContext.Default.SchemaDto,
            cancellationToken);
        return HubSpotMapping.ToSchema(created);
    }

    // ---------------------------------------------------------------- batch writes

    private async Task<CrmBatchResult> BatchWriteAsync(
        string objectType,
        IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, string?>>> inputs,
        IReadOnlyList<string> keysInInputOrder,
        HubSpotCall call,
        string verb,
        Func<KeyValuePair<string, IReadOnlyDictionary<string, string?>>[], HttpContent> bodyOf,
        Func<ObjectDto, string?> keyOfResult,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var chunks = inputs.Chunk(ObjectBatchSize).ToList();
        var outcomes = new Dictionary<string, CrmWriteOutcome>[chunks.Count];
        async Task<Dictionary<string, CrmWriteOutcome>> SendChunkAsync(KeyValuePair<string, IReadOnlyDictionary<string, string?>>[] chunk, CancellationToken ct)
        {
            using var response = await SendForStatusAsync(HttpMethod.Post, $"crm/v3/objects/{Segment(objectType)}/batch/{verb}", call, bodyOf(chunk), ct);
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

                return keys.ToDictionary(
                    k => k, k => new CrmWriteOutcome(k, false, ErrorCategory: error.Category ?? "VALIDATION_ERROR", ErrorMessage: Redact(error.Message)), StringComparer.Ordinal);
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

    private async Task<List<string>> SendAssociationWriteAsync(string path, HubSpotCall call, HttpContent body, CancellationToken cancellationToken)
    {
        using var response = await SendForStatusAsync(HttpMethod.Post, path, call, body, cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var error = await HubSpotErrorBody.ReadAsync(response, cancellationToken);
            return [$"{error.Category}: {Redact(error.Message)}"];
        }

        if (response.StatusCode != HttpStatusCode.MultiStatus)
        {
            return [];
        }

        var batch = await ReadJsonAsync(response, HubSpotJsonContext.Default.AssociationBatchWriteResponseDto, call, cancellationToken);
        return (batch.Errors ?? []).Select(e => $"{e.Category}: {Redact(e.Message)}").ToList();
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

    private static bool IsNoAssociations(BatchErrorDto error) =>
        error.Category is "OBJECT_NOT_FOUND"
        || (error.SubCategory?.Contains("NO_ASSOCIATIONS_FOUND", StringComparison.OrdinalIgnoreCase) ?? false);

    // ---------------------------------------------------------------- transport

    private async Task ForEachChunkAsync<T>(
        IReadOnlyList<T> chunks, Func<T, int, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        if (chunks.Count == 1)
        {
            await body(chunks[0], 0, cancellationToken);
            return;
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            (index, ct) => body(chunks[index], index, ct));
    }

    private static ByteArrayContent Json<T>(T body, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<TResponse> SendAsync<TResponse>(
        HttpMethod method, string path, HubSpotCall call, HttpContent? content, JsonTypeInfo<TResponse> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await SendForStatusAsync(method, path, call, content, cancellationToken);
        await EnsureSuccessAsync(response, call.Route, cancellationToken);
        return await ReadJsonAsync(response, typeInfo, call, cancellationToken);
    }

    /// <summary>
    /// Sends through the handler chain and returns the answer if it is a success or a 400 (which batch writes
    /// turn into per-input outcomes); anything else becomes a <see cref="CrmException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendForStatusAsync(
        HttpMethod method, string path, HubSpotCall call, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Options.Set(HubSpotCall.Key, call);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (CrmException)
        {
            throw;
        }
        catch (TimeoutRejectedException e)
        {
            throw new CrmException(
                $"HubSpot call {call.Route} timed out (HubSpot:AttemptTimeout = {_options.AttemptTimeout}, HubSpot:TotalTimeout = {_options.TotalTimeout}).",
                null,
                "TIMEOUT",
                e);
        }
        catch (BrokenCircuitException e)
        {
            throw new CrmException(
                $"HubSpot call {call.Route} was not sent: the circuit is open after repeated failures; it is tried again after HubSpot:CircuitBreakerBreakDuration = {_options.CircuitBreakerBreakDuration}.",
                null,
                "CIRCUIT_OPEN",
                e);
        }
        catch (HttpRequestException e)
        {
            throw new CrmException($"HubSpot call {call.Route} failed on the network: {Redact(e.Message)}", null, "NETWORK_ERROR", Sanitize(e));
        }

        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest && IsBatchWrite(call))
        {
            return response;
        }

        using (response)
        {
            await EnsureSuccessAsync(response, call.Route, cancellationToken);
        }

        throw new InvalidOperationException("unreachable");
    }

    private static bool IsBatchWrite(HubSpotCall call) =>
        call.Route.StartsWith("POST ", StringComparison.Ordinal)
        && (call.Route.EndsWith("/batch/update", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/upsert", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/create", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/archive", StringComparison.Ordinal)
            || call.Route.EndsWith("/batch/associate/default", StringComparison.Ordinal));

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string route, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var error = await HubSpotErrorBody.ReadAsync(response, cancellationToken);
        Log.CallFailed(_logger, route, status, error.Category, error.CorrelationId);
        var correlation = error.CorrelationId is null ? string.Empty : $" (correlation id {error.CorrelationId})";
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                throw new CrmAuthenticationException(
                    $"HubSpot refused the access token ({error.Category ?? "401"}) on {route}. Check the HubSpot:AccessToken setting: "
                    + $"it must be a valid private app token for this portal (its value is not shown).{correlation}");
            case HttpStatusCode.Forbidden:
                throw new CrmAuthenticationException(
                    $"HubSpot refused {route} for the token in HubSpot:AccessToken ({error.Category ?? "403"}): {Redact(error.Message)}. "
                    + $"Grant the private app the missing scopes.{correlation}",
                    403,
                    error.Category ?? "FORBIDDEN");
            case HttpStatusCode.TooManyRequests when error.RateLimitPolicy == HubSpotRateLimitPolicy.Daily:
                throw new CrmQuotaExceededException(
                    $"HubSpot's daily API limit for the portal is used up (policy DAILY) on {route}; calls succeed again after the portal's "
                    + $"daily reset (midnight in the portal's time zone).{correlation}");
            default:
                throw new CrmException(
                    $"HubSpot call {route} failed with {status} {error.Category}: {Redact(error.Message) ?? response.ReasonPhrase}{correlation}",
                    status,
                    error.Category);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, HubSpotCall call, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken)
                ?? throw new CrmException($"HubSpot call {call.Route} answered {(int)response.StatusCode} with an empty body.", (int)response.StatusCode, null);
        }
        catch (JsonException e)
        {
            throw new CrmException($"HubSpot call {call.Route} answered with JSON the client cannot read: {e.Message}", (int)response.StatusCode, null, e);
        }
    }

    /// <summary>
    /// The exception to chain as an inner exception: itself, unless its text (message, inner exceptions) carries the
    /// token, in which case a redacted copy of the same type family without the original chain.
    /// </summary>
    private Exception Sanitize(Exception exception) =>
        string.IsNullOrEmpty(_options.AccessToken) || !exception.ToString().Contains(_options.AccessToken, StringComparison.Ordinal)
            ? exception
            : new HttpRequestException(Redact(exception.Message));

    /// <summary>Removes the access token from text that came from elsewhere (server messages, exception messages).</summary>
    private string? Redact(string? text) =>
        text is null || string.IsNullOrEmpty(_options.AccessToken)
            ? text
            : text.Replace(_options.AccessToken, "***", StringComparison.Ordinal);

    private static string Segment(string value) => Uri.EscapeDataString(value);
}
