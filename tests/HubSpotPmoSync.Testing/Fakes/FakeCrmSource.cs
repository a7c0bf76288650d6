using System.Globalization;
using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Testing.Fakes;

/// <summary>
/// An honest in-memory HubSpot for the sync: list pages in id order with a resumable <c>after</c>; a search index
/// that lags writes by <see cref="IndexLag"/>, never shows archived records, caps every query at 10,000 results and
/// orders records of the same millisecond arbitrarily — <see cref="SearchModifiedAsync"/> gets past that cap with
/// the window-splitting algorithm of DESIGN.md; archiving does not touch the modification time; associations
/// are stored in both directions with their own type ids. Every call is counted.
/// </summary>
public sealed class FakeCrmSource : ICrmSource
{
    /// <summary>HubSpot's cap on the results of one search query.</summary>
    public const int SearchCap = 10_000;

    /// <summary>HubSpot's largest search page.</summary>
    public const int SearchPageSize = 200;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SortedDictionary<string, List<Version>>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<(string FromType, string FromId, string ToType), Dictionary<string, List<AssociationKind>>> _links = [];
    private readonly Dictionary<string, IReadOnlyList<CrmPropertyDefinition>> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<CrmPipeline>> _pipelines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private long _nextId = 1000;
    private long _mutations;
    private SearchIndexSnapshot? _searchIndex;

    public FakeCrmSource(TimeProvider time) => _time = time;

    /// <summary>How long a write takes to show in search results.</summary>
    public TimeSpan IndexLag { get; set; }

    /// <summary>Called before every port call with the call's name; throw from it to inject a failure.</summary>
    public Action<string>? BeforeCall { get; set; }

    /// <summary>Calls made, by operation: list, search, batchRead, associations, properties, pipelines, schemas.</summary>
    public IReadOnlyDictionary<string, int> Calls
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_calls, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Every call made.</summary>
    public int TotalCalls => Calls.Values.Sum();

    public void ResetCalls()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }

    /// <summary>A fresh numeric id.</summary>
    public string NewId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates or updates a record: properties are merged, and the modification time becomes <paramref name="at"/>
    /// (default: now). The search index shows the change after <see cref="IndexLag"/> plus <paramref name="indexDelay"/>.
    /// </summary>
    public CrmRecord Upsert(string objectType, string id, IReadOnlyDictionary<string, string?> properties, DateTimeOffset? at = null, TimeSpan? indexDelay = null)
    {
        lock (_gate)
        {
            _mutations++;
            var when = at ?? _time.GetUtcNow();
            var records = Records(objectType);
            var current = records.TryGetValue(id, out var versions) ? versions[^1] : null;
            var merged = new Dictionary<string, string?>(current?.Properties ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
            foreach (var (key, value) in properties)
            {
                merged[key] = value;
            }

            merged["hs_object_id"] = id;
            merged["hs_lastmodifieddate"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var version = new Version(merged, current?.CreatedAt ?? when, when, false, null, when + (indexDelay ?? TimeSpan.Zero));
            if (versions is null)
            {
                records[id] = [version];
            }
            else
            {
                versions.Add(version);
            }

            return version.ToRecord(id, null);
        }
    }

    /// <summary>Archives a record (HubSpot does not change its modification time; search stops showing it).</summary>
    public void Archive(string objectType, string id)
    {
        lock (_gate)
        {
            _mutations++;
            var versions = Records(objectType)[id];
            var current = versions[^1];
            versions.Add(current with { Archived = true, ArchivedAt = _time.GetUtcNow(), VisibleAt = _time.GetUtcNow() });
        }
    }

    /// <summary>Restores an archived record (its modification time moves to now).</summary>
    public void Restore(string objectType, string id)
    {
        lock (_gate)
        {
            _mutations++;
            var versions = Records(objectType)[id];
            var current = versions[^1];
            var when = _time.GetUtcNow();
            var properties = new Dictionary<string, string?>(current.Properties, StringComparer.Ordinal)
            {
                ["hs_lastmodifieddate"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            versions.Add(current with { Properties = properties, Archived = false, ArchivedAt = null, UpdatedAt = when, VisibleAt = when });
        }
    }

    /// <summary>Links two records in both directions, with the type ids of each direction and an optional label.</summary>
    public void Associate(string fromType, string fromId, string toType, string toId, int typeId, int inverseTypeId, string? label = null, string category = AssociationKind.HubSpotDefined)
    {
        lock (_gate)
        {
            AddLink(fromType, fromId, toType, toId, new AssociationKind(category, typeId, label));
            AddLink(toType, toId, fromType, fromId, new AssociationKind(category, inverseTypeId, label));
        }
    }

    /// <summary>Removes every link between two records.</summary>
    public void Unassociate(string fromType, string fromId, string toType, string toId)
    {
        lock (_gate)
        {
            if (_links.TryGetValue((fromType, fromId, toType), out var forward))
            {
                forward.Remove(toId);
            }

            if (_links.TryGetValue((toType, toId, fromType), out var backward))
            {
                backward.Remove(fromId);
            }
        }
    }

    public void SetProperties(string objectType, IReadOnlyList<CrmPropertyDefinition> definitions)
    {
        lock (_gate)
        {
            _properties[objectType] = definitions;
        }
    }

    public void SetPipelines(string objectType, IReadOnlyList<CrmPipeline> pipelines)
    {
        lock (_gate)
        {
            _pipelines[objectType] = pipelines;
        }
    }

    /// <summary>The live state of one record (archived ones too), or null.</summary>
    public CrmRecord? Get(string objectType, string id)
    {
        lock (_gate)
        {
            return Records(objectType).TryGetValue(id, out var versions) ? versions[^1].ToRecord(id, null) : null;
        }
    }

    /// <summary>Every record of a type as HubSpot holds it now (archived included), in id order.</summary>
    public IReadOnlyList<CrmRecord> All(string objectType)
    {
        lock (_gate)
        {
            return Records(objectType).Select(p => p.Value[^1].ToRecord(p.Key, null)).ToList();
        }
    }

    /// <summary>Every link from records of <paramref name="fromType"/> to records of <paramref name="toType"/>.</summary>
    public IReadOnlyList<CrmAssociationLink> AllLinks(string fromType, string toType)
    {
        lock (_gate)
        {
            return _links.Where(l => l.Key.FromType == fromType && l.Key.ToType == toType)
                .SelectMany(l => l.Value.Select(t => new CrmAssociationLink(l.Key.FromId, t.Key, t.Value.ToList())))
                .ToList();
        }
    }

    public async IAsyncEnumerable<CrmPage> ListAsync(
        string objectType, IReadOnlyCollection<string> properties, CrmListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var after = options.StartAfter;
        var size = Math.Clamp(options.PageSize, 1, 100);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Count("list");
            CrmPage page;
            lock (_gate)
            {
                var matching = Records(objectType)
                    .Where(p => p.Value[^1].Archived == options.Archived && (after is null || IdComparer.Compare(p.Key, after) > 0))
                    .Take(size + 1)
                    .ToList();
                var records = matching.Take(size).Select(p => p.Value[^1].ToRecord(p.Key, properties)).ToList();
                page = new CrmPage(records, matching.Count > size ? records[^1].Id : null);
            }

            await Task.Yield();
            yield return page;
            if (page.NextAfter is null)
            {
                yield break;
            }

            after = page.NextAfter;
        }
    }

    public async IAsyncEnumerable<CrmPage> SearchModifiedAsync(
        string objectType, CrmModifiedWindow window, IReadOnlyCollection<string> properties, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var from = window.From;
        var emittedAtBoundary = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? boundary = null;
        while (true)
        {
            // One query: [from, to] ascending by modification time, paged by offset up to the 10k cap.
            var offset = 0;
            var capped = false;
            DateTimeOffset? lastSeen = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (results, total) = RawSearch(objectType, properties, new SearchQuery(from, window.To, null, null), offset);
                var page = new List<CrmRecord>();
                foreach (var r in results)
                {
                    if (boundary == r.UpdatedAt && emittedAtBoundary.Contains(r.Id))
                    {
                        continue;
                    }

                    if (boundary != r.UpdatedAt)
                    {
                        boundary = r.UpdatedAt;
                        emittedAtBoundary.Clear();
                    }

                    emittedAtBoundary.Add(r.Id);
                    page.Add(r);
                }

                if (results.Count > 0)
                {
                    lastSeen = results[^1].UpdatedAt;
                }

                await Task.Yield();
                if (page.Count > 0)
                {
                    yield return new CrmPage(page, null);
                }

                offset += results.Count;
                if (results.Count < SearchPageSize || offset >= total)
                {
                    break;
                }

                if (offset + SearchPageSize > SearchCap)
                {
                    capped = true;
                    break;
                }
            }

            if (!capped)
            {
                yield break;
            }

            if (lastSeen == from)
            {
                // One millisecond holds more than the cap: drain it by id (EQ on the time, hs_object_id GT, as numbers).
                var lastId = "0";
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (results, _) = RawSearch(objectType, properties, new SearchQuery(from, from, from, lastId), 0);
                    var page = results.Where(r => emittedAtBoundary.Add(r.Id)).ToList();
                    if (page.Count > 0)
                    {
                        yield return new CrmPage(page, null);
                    }

                    if (results.Count < SearchPageSize)
                    {
                        break;
                    }

                    lastId = results[^1].Id;
                }

                from = from.AddMilliseconds(1);
                if (window.To is { } to && from > to)
                {
                    yield break;
                }
            }
            else
            {
                from = lastSeen!.Value;
            }
        }
    }

    /// <summary>One search (counted as one): the highest id and the count the index shows now (lag and archives apply).</summary>
    public Task<CrmIdExtent?> SearchIdExtentAsync(string objectType, CancellationToken cancellationToken)
    {
        Count("search");
        lock (_gate)
        {
            var index = SearchIndex(objectType).ById;
            return Task.FromResult(index.Count == 0 ? null : new CrmIdExtent(long.Parse(index[^1].Id, CultureInfo.InvariantCulture), index.Count));
        }
    }

    /// <summary>
    /// Searches by id range as HubSpot does (<c>hs_object_id</c> GT / LTE compared as numbers, ascending, 200 a page, a
    /// new query per page): what the index shows at each call, so a record written moments ago may be missing or old.
    /// </summary>
    public async IAsyncEnumerable<CrmPage> SearchIdsAsync(
        string objectType, CrmIdWindow window, IReadOnlyCollection<string> properties, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var after = window.After;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Count("search");
            List<CrmRecord> page;
            bool more;
            lock (_gate)
            {
                var matches = SearchIndex(objectType).ById
                    .Where(x => long.Parse(x.Id, CultureInfo.InvariantCulture) is var id && id > after && (window.UpTo is not { } upTo || id <= upTo))
                    .Take(SearchPageSize + 1)
                    .ToList();
                more = matches.Count > SearchPageSize;
                page = matches.Take(SearchPageSize).Select(x => x.Version.ToRecord(x.Id, properties)).ToList();
            }

            await Task.Yield();
            yield return new CrmPage(page, more ? page[^1].Id : null);
            if (!more)
            {
                yield break;
            }

            after = long.Parse(page[^1].Id, CultureInfo.InvariantCulture);
        }
    }

    public Task<CrmBatchReadResult> BatchReadAsync(
        string objectType, IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            var found = new List<CrmRecord>();
            var missing = new List<string>();
            foreach (var chunk in ids.Chunk(100))
            {
                Count("batchRead");
                foreach (var id in chunk)
                {
                    if (Records(objectType).TryGetValue(id, out var versions) && !versions[^1].Archived)
                    {
                        found.Add(versions[^1].ToRecord(id, properties));
                    }
                    else
                    {
                        missing.Add(id);
                    }
                }
            }

            return Task.FromResult(new CrmBatchReadResult(found, missing));
        }
    }

    public Task<IReadOnlyList<CrmAssociationLink>> ReadAssociationsAsync(
        string fromType, string toType, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromIds);
        if (fromIds.Count > 1000)
        {
            throw new CrmException("association batch read takes at most 1,000 inputs", 400, "VALIDATION_ERROR");
        }

        Count("associations");
        lock (_gate)
        {
            var links = new List<CrmAssociationLink>();
            foreach (var id in fromIds)
            {
                var archived = !Records(fromType).TryGetValue(id, out var versions) || versions[^1].Archived;
                if (!archived && _links.TryGetValue((fromType, id, toType), out var targets))
                {
                    links.AddRange(targets.Select(t => new CrmAssociationLink(id, t.Key, t.Value.ToList())));
                }
            }

            return Task.FromResult<IReadOnlyList<CrmAssociationLink>>(links);
        }
    }

    /// <summary>This fake's properties are never deleted: none is archived.</summary>
    public Task<IReadOnlyList<CrmPropertyDefinition>> GetArchivedPropertiesAsync(string objectType, CancellationToken cancellationToken)
    {
        Count("properties");
        return Task.FromResult<IReadOnlyList<CrmPropertyDefinition>>([]);
    }

    public Task<IReadOnlyList<CrmPropertyDefinition>> GetPropertiesAsync(string objectType, CancellationToken cancellationToken)
    {
        Count("properties");
        lock (_gate)
        {
            return Task.FromResult(_properties.TryGetValue(objectType, out var p) ? p : (IReadOnlyList<CrmPropertyDefinition>)[]);
        }
    }

    public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(string objectType, CancellationToken cancellationToken)
    {
        Count("pipelines");
        lock (_gate)
        {
            return Task.FromResult(_pipelines.TryGetValue(objectType, out var p) ? p : (IReadOnlyList<CrmPipeline>)[]);
        }
    }

    public Task<IReadOnlyList<CrmObjectSchema>> GetSchemasAsync(CancellationToken cancellationToken)
    {
        Count("schemas");
        return Task.FromResult<IReadOnlyList<CrmObjectSchema>>([]);
    }

    /// <summary>
    /// One search request as HubSpot answers it: at most 200 results from <paramref name="offset"/>, sorted by
    /// modification time (ties in an arbitrary but stable order) or, when draining one millisecond, by id; a 400 past
    /// the 10,000th result; archived records and writes younger than the index lag are invisible.
    /// </summary>
    public (IReadOnlyList<CrmRecord> Results, int Total) RawSearch(string objectType, IReadOnlyCollection<string> properties, SearchQuery query, int offset)
    {
        Count("search");
        if (offset + SearchPageSize > SearchCap)
        {
            throw new CrmException("paging past 10,000 search results", 400, "VALIDATION_ERROR");
        }

        lock (_gate)
        {
            var index = SearchIndex(objectType);
            IEnumerable<(string Id, Version Version)> matches;
            if (query.Equal is { } eq)
            {
                matches = index.ById.Where(x => x.Version.UpdatedAt == eq && IdComparer.Compare(x.Id, query.IdGreaterThan!) > 0);
            }
            else
            {
                var to = query.To;
                matches = index.ByTime.Where(x => x.Version.UpdatedAt >= query.From && (to is null || x.Version.UpdatedAt <= to));
            }

            var all = matches.ToList();
            var results = all.Skip(offset).Take(SearchPageSize).Select(x => x.Version.ToRecord(x.Id, properties)).ToList();
            return (results, all.Count);
        }
    }

    // The index as search sees it now (writes younger than the lag invisible, archived records left out), sorted
    // both ways; rebuilt only when a record or the time changed.
    private SearchIndexSnapshot SearchIndex(string objectType)
    {
        var horizon = _time.GetUtcNow() - IndexLag;
        if (_searchIndex is { } cached && cached.ObjectType == objectType && cached.Mutation == _mutations && cached.Horizon == horizon)
        {
            return cached;
        }

        var visible = new List<(string Id, Version Version)>();
        foreach (var (id, versions) in Records(objectType))
        {
            var v = versions.LastOrDefault(x => x.VisibleAt <= horizon);
            if (v is not null && !v.Archived)
            {
                visible.Add((id, v));
            }
        }

        _searchIndex = new SearchIndexSnapshot(
            objectType,
            _mutations,
            horizon,
            visible.OrderBy(x => x.Version.UpdatedAt).ThenBy(x => TieOrder(x.Id)).ToList(),
            visible.OrderBy(x => x.Id, IdComparer).ToList());
        return _searchIndex;
    }

    private sealed record SearchIndexSnapshot(
        string ObjectType, long Mutation, DateTimeOffset Horizon, List<(string Id, Version Version)> ByTime, List<(string Id, Version Version)> ById);

    private static readonly Comparer<string> IdComparer = Comparer<string>.Create((a, b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b));

    // HubSpot does not promise any order among records modified in the same millisecond: scramble it.
    private static uint TieOrder(string id)
    {
        var h = 2166136261u;
        foreach (var c in id)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }

    private void AddLink(string fromType, string fromId, string toType, string toId, AssociationKind kind)
    {
        if (!_links.TryGetValue((fromType, fromId, toType), out var targets))
        {
            _links[(fromType, fromId, toType)] = targets = new Dictionary<string, List<AssociationKind>>(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(toId, out var kinds))
        {
            targets[toId] = kinds = [];
        }

        if (!kinds.Contains(kind))
        {
            kinds.Add(kind);
        }
    }

    private SortedDictionary<string, List<Version>> Records(string objectType)
    {
        if (!_objects.TryGetValue(objectType, out var records))
        {
            _objects[objectType] = records = new SortedDictionary<string, List<Version>>(IdComparer);
        }

        return records;
    }

    private void Count(string call)
    {
        BeforeCall?.Invoke(call);
        lock (_gate)
        {
            _calls[call] = _calls.GetValueOrDefault(call) + 1;
        }
    }

    public sealed record SearchQuery(DateTimeOffset From, DateTimeOffset? To, DateTimeOffset? Equal, string? IdGreaterThan);

    private sealed record Version(
        Dictionary<string, string?> Properties,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        bool Archived,
        DateTimeOffset? ArchivedAt,
        DateTimeOffset VisibleAt)
    {
        public CrmRecord ToRecord(string id, IReadOnlyCollection<string>? requested)
        {
            var props = new Dictionary<string, string?>(StringComparer.Ordinal) { ["hs_object_id"] = id };
            if (requested is null)
            {
                foreach (var (k, v) in Properties)
                {
                    props[k] = v;
                }
            }
            else
            {
                foreach (var name in requested)
                {
                    props[name] = Properties.TryGetValue(name, out var v) ? v : null;
                }
            }

            return new CrmRecord(id, props, CreatedAt, UpdatedAt, Archived, ArchivedAt);
        }
    }
}
