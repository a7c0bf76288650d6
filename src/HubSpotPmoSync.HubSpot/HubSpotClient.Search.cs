using System.Globalization;
using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;
using HubSpotPmoSync.HubSpot.RateLimiting;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The incremental reads: search windows that stay under HubSpot's 10,000-result cap.</summary>
internal sealed partial class HubSpotClient
{
    internal const string ObjectIdProperty = "hs_object_id";


    /// <summary>
    /// Every record modified in the window, each exactly once, ascending by last-modified time.
    /// A query pages by offset up to HubSpot's 10,000-result cap. At the cap the window is split at the last
    /// timestamp seen, T: the records of T are drained by <c>EQ T</c> sorted by <c>hs_object_id</c> (paging on
    /// <c>hs_object_id GT last</c>, so a millisecond holding more than 10,000 records is drained too), skipping
    /// the ones already returned; then the window goes on with <c>GT T</c>. Nothing before T can be missing,
    /// because the query is sorted on the timestamp.
    /// </summary>
    /// <remarks>
    /// Search pages carry the last record's modification time (epoch ms) as <see cref="CrmPage.NextAfter"/>;
    /// it is null on the last page.
    /// </remarks>
    public async IAsyncEnumerable<CrmPage> SearchModifiedAsync(
        string objectType,
        CrmModifiedWindow window,
        IReadOnlyCollection<string> properties,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var modifiedProperty = CrmObjectTypes.LastModifiedProperty(objectType);
        var requested = properties.Append(modifiedProperty).Append(ObjectIdProperty).Distinct(StringComparer.Ordinal).ToList();
        var pageSize = _options.SearchPageSize;
        var toMs = window.To?.ToUnixTimeMilliseconds();
        var lowerMs = window.From.ToUnixTimeMilliseconds();
        var lowerOperator = "GTE";
        long returned = 0;

        while (true)
        {
            var filters = new List<SearchFilterDto> { new(modifiedProperty, lowerOperator, Text(lowerMs)) };
            if (toMs is { } to)
            {
                filters.Add(new SearchFilterDto(modifiedProperty, "LTE", Text(to)));
            }

            long? lastMs = null;
            var seenAtLast = new HashSet<string>(StringComparer.Ordinal);
            var offset = 0;
            while (true)
            {
                var response = await SearchAsync(objectType, filters, modifiedProperty, requested, pageSize, offset, cancellationToken);
                var page = new List<CrmRecord>(response.Results?.Count ?? 0);
                foreach (var record in (response.Results ?? []).Select(HubSpotMapping.ToRecord))
                {
                    var ms = HubSpotMapping.ModifiedMilliseconds(record, modifiedProperty);
                    if (ms != lastMs)
                    {
                        lastMs = ms;
                        seenAtLast.Clear();
                    }

                    // A tie whose order moved between two pages would come back twice; return it once.
                    if (seenAtLast.Add(record.Id))
                    {
                        page.Add(record);
                    }
                }

                var next = NextOffset(response);
                returned += page.Count;
                if (next is null)
                {
                    if (page.Count > 0)
                    {
                        yield return new CrmPage(page, null);
                    }

                    yield break;
                }

                if (page.Count > 0)
                {
                    yield return new CrmPage(page, Text(lastMs!.Value));
                }

                if (next.Value + pageSize > SearchResultCap)
                {
                    break;
                }

                offset = next.Value;
            }

            if (lastMs is not { } splitAt)
            {
                throw new CrmException($"HubSpot search of {objectType} reached the result cap without returning records; stopping rather than looping.");
            }

            Log.SearchWindowSplit(_logger, objectType, splitAt, returned);
            await foreach (var page in DrainMillisecondAsync(objectType, modifiedProperty, splitAt, seenAtLast, requested, cancellationToken))
            {
                returned += page.Records.Count;
                yield return page;
            }

            lowerMs = splitAt;
            lowerOperator = "GT";
        }
    }

    /// <summary>Every record whose last-modified time is exactly <paramref name="millisecond"/>, by ascending numeric id, minus <paramref name="skip"/>.</summary>
    private async IAsyncEnumerable<CrmPage> DrainMillisecondAsync(
        string objectType,
        string modifiedProperty,
        long millisecond,
        HashSet<string> skip,
        IReadOnlyList<string> requested,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Log.SearchDrainingMillisecond(_logger, objectType, millisecond);
        var pageSize = _options.SearchPageSize;
        string? afterId = null;
        while (true)
        {
            var filters = new List<SearchFilterDto> { new(modifiedProperty, "EQ", Text(millisecond)) };
            if (afterId is not null)
            {
                filters.Add(new SearchFilterDto(ObjectIdProperty, "GT", afterId));
            }

            var offset = 0;
            string? lastId = null;
            while (true)
            {
                var response = await SearchAsync(objectType, filters, ObjectIdProperty, requested, pageSize, offset, cancellationToken);
                var page = new List<CrmRecord>();
                foreach (var record in (response.Results ?? []).Select(HubSpotMapping.ToRecord))
                {
                    lastId = record.Id;
                    if (skip.Add(record.Id))
                    {
                        page.Add(record);
                    }
                }

                if (page.Count > 0)
                {
                    yield return new CrmPage(page, Text(millisecond));
                }

                var next = NextOffset(response);
                if (next is null)
                {
                    yield break;
                }

                if (next.Value + pageSize > SearchResultCap)
                {
                    break;
                }

                offset = next.Value;
            }

            if (lastId is null || lastId == afterId)
            {
                throw new CrmException($"HubSpot search of {objectType} made no progress draining millisecond {millisecond}; stopping rather than looping.");
            }

            afterId = lastId;
        }
    }

    private Task<SearchResponseDto> SearchAsync(
        string objectType,
        List<SearchFilterDto> filters,
        string sortProperty,
        IReadOnlyList<string> properties,
        int pageSize,
        int offset,
        CancellationToken cancellationToken,
        bool descending = false)
    {
        var body = new SearchRequestDto(
            filters.Count == 0 ? [] : [new SearchFilterGroupDto(filters)],
            [new SearchSortDto(sortProperty, descending ? "DESCENDING" : "ASCENDING")],
            properties.ToList(),
            pageSize,
            offset == 0 ? null : Text(offset));
        return SendAsync(
            Call("POST", "/crm/objects/{version}/{objectType}/search", HubSpotBudget.Search, idempotent: true),
            (c, ct) => _api.Search.SearchAsync(V, objectType, body, c, ct),
            HubSpotJsonContext.Default.SearchResponseDto,
            cancellationToken);
    }

    private static int? NextOffset(SearchResponseDto response) =>
        response.Paging?.Next?.After is { } after
            ? int.TryParse(after, NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset)
                ? offset
                : throw new CrmException($"HubSpot search returned a paging cursor '{after}' that is not an offset.")
            : null;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
