using System.Globalization;
using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Dtos;

namespace HubSpotPmoSync.HubSpot;

/// <summary>The reads by id range of a partitioned listing: searches on <c>hs_object_id</c>, compared as numbers.</summary>
internal sealed partial class HubSpotClient
{
    /// <summary>One search sorted by <c>hs_object_id</c> descending, one result: the highest id and the match count.</summary>
    public async Task<CrmIdExtent?> SearchIdExtentAsync(string objectType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        var response = await SearchAsync(objectType, [], ObjectIdProperty, [ObjectIdProperty], 1, 0, cancellationToken, descending: true);
        var highest = response.Results?.FirstOrDefault()?.Id;
        if (highest is null || response.Total == 0)
        {
            return null;
        }

        return long.TryParse(highest, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new CrmIdExtent(id, response.Total)
            : throw new CrmException($"HubSpot search of {objectType} returned the record id '{highest}', which is not a number.");
    }

    /// <summary>
    /// The records with ids in the window by ascending id: each page is a new query (<c>hs_object_id GT</c> the last id,
    /// <c>LTE</c> the window's end, from offset 0), so no query pages past HubSpot's 10,000-result cap however many
    /// records the window holds. Every call yields its page (an empty one when nothing matches).
    /// </summary>
    public async IAsyncEnumerable<CrmPage> SearchIdsAsync(
        string objectType,
        CrmIdWindow window,
        IReadOnlyCollection<string> properties,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        ArgumentNullException.ThrowIfNull(window);
        var requested = properties.Append(CrmObjectTypes.LastModifiedProperty(objectType)).Append(ObjectIdProperty).Distinct(StringComparer.Ordinal).ToList();
        var pageSize = _options.SearchPageSize;
        var after = window.After;
        while (true)
        {
            var filters = new List<SearchFilterDto> { new(ObjectIdProperty, "GT", Text(after)) };
            if (window.UpTo is { } upTo)
            {
                filters.Add(new SearchFilterDto(ObjectIdProperty, "LTE", Text(upTo)));
            }

            var response = await SearchAsync(objectType, filters, ObjectIdProperty, requested, pageSize, 0, cancellationToken);
            var records = (response.Results ?? []).Select(HubSpotMapping.ToRecord).ToList();
            var last = after;
            foreach (var record in records)
            {
                if (!long.TryParse(record.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= after)
                {
                    throw new CrmException($"HubSpot search of {objectType} for ids above {after} returned the record id '{record.Id}'; stopping rather than looping.");
                }

                last = Math.Max(last, id);
            }

            var more = records.Count > 0 && response.Paging?.Next is not null;
            yield return new CrmPage(records, more ? Text(last) : null);
            if (!more)
            {
                yield break;
            }

            after = last;
        }
    }
}
