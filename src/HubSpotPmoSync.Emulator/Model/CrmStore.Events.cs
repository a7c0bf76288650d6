namespace HubSpotPmoSync.Emulator.Model;

/// <summary>What a change did, as HubSpot's webhooks tell it.</summary>
internal enum StoreChangeKind
{
    Creation,
    Deletion,
    PropertyChange,
    AssociationChange,
    Merge,
    Restore,
}

/// <summary>One change of the portal, for the webhook deliveries (emitted under the store's write lock, in order).</summary>
internal sealed record StoreChange(StoreChangeKind Kind, ObjectTypeDef Type, long ObjectId, long OccurredAt, string ChangeSource)
{
    public string? PropertyName { get; init; }

    public string? PropertyValue { get; init; }

    public ObjectTypeDef? ToType { get; init; }

    public long ToId { get; init; }

    public bool AssociationRemoved { get; init; }

    public bool IsPrimaryAssociation { get; init; }

    public IReadOnlyList<long> MergedIds { get; init; } = [];

    public int PropertiesMoved { get; init; }
}

/// <summary>Change notifications: every record and association write tells <see cref="Changed"/>, except while seeding.</summary>
internal sealed partial class CrmStore
{
    private int _quiet;

    /// <summary>Called for each change (under the write lock: keep it short).</summary>
    public Action<StoreChange>? Changed { get; set; }

    /// <summary>Runs <paramref name="action"/> without change notifications (seed data is not news).</summary>
    public void Quietly(Action action)
    {
        Interlocked.Increment(ref _quiet);
        try
        {
            action();
        }
        finally
        {
            Interlocked.Decrement(ref _quiet);
        }
    }

    private bool Notifying => Changed is not null && Volatile.Read(ref _quiet) == 0;

    private void Emit(StoreChange change)
    {
        if (Notifying)
        {
            Changed!(change);
        }
    }

    private void EmitPropertyChanges(ObjectTypeDef t, CrmRecord r, List<PreparedValue> prepared, long now, string source)
    {
        if (!Notifying)
        {
            return;
        }

        foreach (var pv in prepared)
        {
            if (r.Get(pv.Property.Slot) != pv.Value)
            {
                Emit(new StoreChange(StoreChangeKind.PropertyChange, t, r.Id, now, source) { PropertyName = pv.Property.Name, PropertyValue = pv.Value });
            }
        }
    }

    private void EmitLinkChange(long fromId, int fromKey, long toId, int toKey, bool existedBefore, List<int> forward)
    {
        if (!Notifying || existedBefore == forward.Count > 0)
        {
            return;
        }

        var now = Clock.NowMs;
        var primary = forward.Any(id => AssocTypes.TryGetValue(id, out var d) && d.IsPrimary);
        var from = _types[fromKey];
        var to = _types[toKey];
        Emit(new StoreChange(StoreChangeKind.AssociationChange, from, fromId, now, "API") { ToType = to, ToId = toId, AssociationRemoved = forward.Count == 0, IsPrimaryAssociation = primary });
        Emit(new StoreChange(StoreChangeKind.AssociationChange, to, toId, now, "API") { ToType = from, ToId = fromId, AssociationRemoved = forward.Count == 0, IsPrimaryAssociation = primary });
    }
}
