using System.Net;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot;

/// <summary>Associations: batch read with per-input paging, default and labelled creates, removals, labels.</summary>
internal sealed partial class HubSpotClient
{
    public async Task<IReadOnlyList<CrmAssociationLink>> ReadAssociationsAsync(
        string fromType, string toType, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromType);
        ArgumentException.ThrowIfNullOrEmpty(toType);
        var call = Call("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/read", HubSpotBudget.Associations, idempotent: true);
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
                var body = new AssociationBatchReadRequestDto(pending);
                var response = await SendAsync(
                    call,
                    (c, t) => _api.Associations.BatchReadAsync(V, fromType, toType, body, c, t),
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

    public async Task CreateAssociationsAsync(
        string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromType);
        ArgumentException.ThrowIfNullOrEmpty(toType);
        var failures = new List<string>();

        // Creating a link that exists replaces its labels with the same ones: a repeat cannot duplicate.
        var defaults = links.Where(l => l.Kinds is null || l.Kinds.Count == 0).ToList();
        var defaultCall = Call("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/associate/default", HubSpotBudget.Associations, idempotent: true);
        foreach (var chunk in defaults.Chunk(AssociationWriteBatchSize))
        {
            var body = new AssociationBatchDefaultRequestDto(chunk.Select(l => new AssociationDefaultInputDto(new IdInputDto(l.FromId), new IdInputDto(l.ToId))).ToList());
            failures.AddRange(await SendAssociationWriteAsync(
                defaultCall, (c, ct) => _api.Associations.AssociateDefaultAsync(V, fromType, toType, body, c, ct), cancellationToken));
        }

        // Labelled links: one input per pair with every wanted label (HubSpot replaces a pair's labels on each create).
        var labelled = links.Where(l => l.Kinds is { Count: > 0 })
            .GroupBy(l => (l.FromId, l.ToId))
            .Select(g => new AssociationCreateInputDto(
                new IdInputDto(g.Key.FromId),
                new IdInputDto(g.Key.ToId),
                g.SelectMany(l => l.Kinds!).Distinct().Select(k => new AssociationSpecDto(k.Category, k.TypeId)).ToList()))
            .ToList();
        var createCall = Call("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/create", HubSpotBudget.Associations, idempotent: true);
        foreach (var chunk in labelled.Chunk(AssociationWriteBatchSize))
        {
            var body = new AssociationBatchCreateRequestDto([.. chunk]);
            failures.AddRange(await SendAssociationWriteAsync(
                createCall, (c, ct) => _api.Associations.BatchCreateAsync(V, fromType, toType, body, c, ct), cancellationToken));
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
        var call = Call("POST", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/batch/archive", HubSpotBudget.Associations, idempotent: true);
        var inputs = pairs.Distinct()
            .GroupBy(p => p.FromId, StringComparer.Ordinal)
            .Select(g => new AssociationArchiveInputDto(new IdInputDto(g.Key), g.Select(p => new IdInputDto(p.ToId)).ToList()))
            .ToList();
        var failures = new List<string>();
        foreach (var chunk in inputs.Chunk(ObjectBatchSize))
        {
            var body = new AssociationBatchArchiveRequestDto([.. chunk]);
            failures.AddRange(await SendAssociationWriteAsync(
                call, (c, ct) => _api.Associations.BatchArchiveAsync(V, fromType, toType, body, c, ct), cancellationToken));
        }

        if (failures.Count > 0)
        {
            throw new CrmException(
                $"HubSpot refused {failures.Count} association removal(s) {fromType}→{toType}: {string.Join("; ", failures.Take(5))}", 207, "BATCH_ERRORS");
        }
    }

    /// <summary>
    /// Sends one association write and returns HubSpot's refusals. Success comes as 204 (v4 archive), 201 / 200 with results
    /// (create), 200 with a BatchResponseVoid (dated archive) or 207 with <c>errors</c>; a body is read for its errors
    /// whatever the success status, so a 200 that carries errors is not taken for a clean success.
    /// </summary>
    private async Task<List<string>> SendAssociationWriteAsync(HubSpotCall call, ApiCall send, CancellationToken cancellationToken)
    {
        using var response = await SendForStatusAsync(call, send, cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var error = await HubSpotErrorBody.ReadAsync(response, cancellationToken);
            return [$"{error.Category}: {Redact(error.FullMessage)}"];
        }

        if (response.StatusCode == HttpStatusCode.NoContent || await response.Content.ReadAsByteArrayAsync(cancellationToken) is { Length: 0 })
        {
            return [];
        }

        var batch = await ReadJsonAsync(response, HubSpotJsonContext.Default.AssociationBatchWriteResponseDto, call, cancellationToken);
        return (batch.Errors ?? []).Select(e => $"{e.Category}: {Redact(e.Message)}").ToList();
    }

    private static bool IsNoAssociations(BatchErrorDto error) =>
        error.Category is "OBJECT_NOT_FOUND"
        || (error.SubCategory?.Contains("NO_ASSOCIATIONS_FOUND", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>The association types defined from one object type to another (HubSpot's and the portal's labels), with their ids.</summary>
    internal async Task<IReadOnlyList<AssociationKind>> GetAssociationLabelsAsync(string fromType, string toType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromType);
        ArgumentException.ThrowIfNullOrEmpty(toType);
        var response = await SendAsync(
            Call("GET", "/crm/associations/{version}/{fromObjectType}/{toObjectType}/labels", HubSpotBudget.Associations, idempotent: true),
            (c, ct) => _api.Associations.LabelsAsync(V, fromType, toType, c, ct),
            HubSpotJsonContext.Default.AssociationLabelListResponseDto,
            cancellationToken);
        return (response.Results ?? []).Select(HubSpotMapping.ToKind).ToList();
    }
}
