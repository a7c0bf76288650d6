using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The object reads: listing with cursor paging, batch reads by id.</summary>
internal sealed partial class HubSpotClient
{
    public async IAsyncEnumerable<CrmPage> ListAsync(
        string objectType,
        IReadOnlyCollection<string> properties,
        CrmListOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var call = Call("GET", "/crm/objects/{version}/{objectType}", HubSpotBudget.General, idempotent: true);
        var limit = Math.Clamp(options.PageSize, 1, MaxListPageSize);
        var propertyList = properties.Count == 0 ? null : string.Join(',', properties.Distinct(StringComparer.Ordinal));
        var archived = options.Archived ? "true" : "false";
        var after = options.StartAfter;
        var seenCursors = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var cursor = after;
            var page = await SendAsync(
                call,
                (c, ct) => _api.Objects.ListAsync(V, objectType, limit, archived, propertyList, cursor, c, ct),
                HubSpotJsonContext.Default.ObjectListResponseDto,
                cancellationToken);
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
        var call = Call("POST", "/crm/objects/{version}/{objectType}/batch/read", HubSpotBudget.General, idempotent: true);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var chunks = distinct.Chunk(ObjectBatchSize).ToList();
        var found = new Dictionary<string, CrmRecord>[chunks.Count];
        await ForEachChunkAsync(chunks, async (chunk, index, ct) =>
        {
            var body = new BatchReadRequestDto(chunk.Select(id => new IdInputDto(id)).ToList(), properties.Distinct(StringComparer.Ordinal).ToList(), []);
            var response = await SendAsync(
                call,
                (c, t) => _api.Objects.BatchReadAsync(V, objectType, body, "false", c, t),
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
}
