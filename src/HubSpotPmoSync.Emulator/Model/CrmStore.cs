using HubSpotPmoSync.Emulator.Api;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Model;

/// <summary>
/// The emulated portal: object types with their properties, pipelines and records, and the associations.
/// One reader/writer lock guards it all: every API operation runs whole under it, so each write is atomic and parallel
/// clients are safe; reads (list, read, search) share the lock.
/// </summary>
internal sealed partial class CrmStore
{
    /// <summary>First record id: above int.MaxValue, like real portals, so a client storing ids as int fails here too.</summary>
    public const long FirstRecordId = 30_000_000_001;

    private readonly Dictionary<string, ObjectTypeDef> _typesByAlias = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ObjectTypeDef> _types = [];
    private readonly HashSet<CrmRecord> _lagging = [];
    private long _nextId;
    private long _lastWriteMs;
    private long _nextSchemaId;
    private int _nextAssocTypeId;

    public CrmStore(EmulatorClock clock, long portalId)
    {
        Clock = clock;
        PortalId = portalId;
        Reset();
    }

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.SupportsRecursion);

    public EmulatorClock Clock { get; }

    public long PortalId { get; }

    public TimeSpan IndexLag { get; set; }

    public AssociationStore Associations { get; } = new();

    public IReadOnlyList<ObjectTypeDef> Types => _types;

    public Dictionary<int, AssocTypeDef> AssocTypes { get; } = [];

    public T Read<T>(Func<T> action)
    {
        Lock.EnterReadLock();
        try
        {
            return action();
        }
        finally
        {
            Lock.ExitReadLock();
        }
    }

    public T Write<T>(Func<T> action)
    {
        Lock.EnterWriteLock();
        try
        {
            Settle();
            return action();
        }
        finally
        {
            Lock.ExitWriteLock();
        }
    }

    public void Write(Action action) => Write(() =>
    {
        action();
        return true;
    });

    /// <summary>Clears everything and recreates HubSpot's standard objects, properties and pipelines.</summary>
    public void Reset()
    {
        Lock.EnterWriteLock();
        try
        {
            _typesByAlias.Clear();
            _types.Clear();
            _lagging.Clear();
            Associations.Clear();
            AssocTypes.Clear();
            _nextId = FirstRecordId;
            _lastWriteMs = 0;
            _nextSchemaId = 50_000_001;
            _nextAssocTypeId = 100_001;
            DefineStandardCatalog();
        }
        finally
        {
            Lock.ExitWriteLock();
        }
    }

    /// <summary>A write timestamp: the clock's millisecond, never earlier than the previous write (many writes may share one).</summary>
    public long NextWriteMs()
    {
        var now = Clock.NowMs;
        if (now > _lastWriteMs)
        {
            _lastWriteMs = now;
        }

        return _lastWriteMs;
    }

    public long NewRecordId() => _nextId++;

    public ObjectTypeDef ResolveType(string segment)
    {
        if (_typesByAlias.TryGetValue(segment, out var t) && !t.Archived)
        {
            return t;
        }

        throw new ApiException(400, "VALIDATION_ERROR", $"Unable to infer object type from: {segment}");
    }

    public ObjectTypeDef? TryResolveType(string segment) =>
        _typesByAlias.TryGetValue(segment, out var t) && !t.Archived ? t : null;

    public ObjectTypeDef TypeByKey(int key) => _types[key];

    private ObjectTypeDef AddType(ObjectTypeDef t, params string[] aliases)
    {
        _types.Add(t);
        foreach (var a in aliases.Append(t.ObjectTypeId).Append(t.Name).Append(t.Singular))
        {
            _typesByAlias[a] = t;
        }

        if (t.FullyQualifiedName is { } fqn)
        {
            _typesByAlias[fqn] = t;
        }

        return t;
    }

    public void RemoveTypeAliases(ObjectTypeDef t)
    {
        foreach (var key in _typesByAlias.Where(kv => ReferenceEquals(kv.Value, t)).Select(kv => kv.Key).ToList())
        {
            _typesByAlias.Remove(key);
        }
    }

    // ---- search-index lag ----

    /// <summary>Before a record changes: remember what search currently shows, so it keeps showing it until the lag passes.</summary>
    private void BeforeIndexedChange(CrmRecord r, long now)
    {
        if (IndexLag <= TimeSpan.Zero && r.Pending is null)
        {
            return;
        }

        if (r.Pending is null)
        {
            r.Visible = r.Snapshot(0);
            r.Pending = [];
            _lagging.Add(r);
        }
        else
        {
            Promote(r, now);
        }
    }

    private void AfterIndexedChange(CrmRecord r, long now)
    {
        if (r.Pending is null)
        {
            return;
        }

        r.Pending.Add(r.Snapshot(now + (long)IndexLag.TotalMilliseconds));
    }

    private void IndexNew(CrmRecord r, long now)
    {
        if (IndexLag <= TimeSpan.Zero)
        {
            return;
        }

        r.Visible = IndexedVersion.NotIndexed;
        r.Pending = [r.Snapshot(now + (long)IndexLag.TotalMilliseconds)];
        _lagging.Add(r);
    }

    private static void Promote(CrmRecord r, long now)
    {
        var pending = r.Pending!;
        var visible = pending.FindLastIndex(v => v.VisibleAt <= now);
        if (visible >= 0)
        {
            r.Visible = pending[visible];
            pending.RemoveRange(0, visible + 1);
        }
    }

    /// <summary>Drops index bookkeeping of records whose every version is now visible.</summary>
    private void Settle()
    {
        if (_lagging.Count == 0)
        {
            return;
        }

        var now = Clock.NowMs;
        _lagging.RemoveWhere(r =>
        {
            if (r.Pending is { } p && p.TrueForAll(v => v.VisibleAt <= now))
            {
                r.Pending = null;
                r.Visible = null;
                return true;
            }

            return r.Pending is null;
        });
    }

    public void SettleIndexNow()
    {
        foreach (var r in _lagging)
        {
            r.Pending = null;
            r.Visible = null;
        }

        _lagging.Clear();
    }

    /// <summary>The version of a record search shows at <paramref name="now"/>, or null when it is not (yet) indexed.</summary>
    public static RecordView? SearchView(CrmRecord r, long now)
    {
        if (r.Pending is not { } pending)
        {
            return new RecordView(r.Id, r.CreatedAt, r.UpdatedAt, r.Archived, r.Values);
        }

        for (var i = pending.Count - 1; i >= 0; i--)
        {
            if (pending[i].VisibleAt <= now)
            {
                return View(r, pending[i]);
            }
        }

        return r.Visible is { } v ? View(r, v) : new RecordView(r.Id, r.CreatedAt, r.UpdatedAt, r.Archived, r.Values);
    }

    private static RecordView? View(CrmRecord r, IndexedVersion v) =>
        v.Missing ? null : new RecordView(r.Id, r.CreatedAt, v.UpdatedAt, v.Archived, v.Values);

    public int NewAssocTypeId() => _nextAssocTypeId++;
}

/// <summary>A read-only view of a record's values (current, or the version the search index holds).</summary>
internal readonly record struct RecordView(long Id, long CreatedAt, long UpdatedAt, bool Archived, string?[] Values)
{
    public static RecordView Of(CrmRecord r) => new(r.Id, r.CreatedAt, r.UpdatedAt, r.Archived, r.Values);

    public string? Raw(int slot) => slot >= 0 && slot < Values.Length ? Values[slot] : null;
}
