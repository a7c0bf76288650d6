using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// The links of a snapshot indexed both ways, built once per scoring run and shared by the scorer, the rollups
/// and the reports: <see cref="DeliveryModelSnapshot.Linked"/> scans all links per call, which is too slow for a
/// portfolio of 100k projects.
/// </summary>
internal sealed class LinkIndex
{
    private const int Kinds = 4;
    private static readonly IReadOnlyList<string> None = [];
    private readonly Dictionary<string, List<string>>?[] _maps = new Dictionary<string, List<string>>?[Kinds * Kinds];

    public LinkIndex(IReadOnlyList<DeliveryLink> links)
    {
        Source = links;
        foreach (var l in links)
        {
            Add(l.From, l.FromId, l.To, l.ToId);
            Add(l.To, l.ToId, l.From, l.FromId);
        }
    }

    /// <summary>The links indexed (to tell whether a cached index belongs to a snapshot).</summary>
    public IReadOnlyList<DeliveryLink> Source { get; }

    /// <summary>The index of <paramref name="model"/>'s links: <paramref name="cached"/> when it was built from them.</summary>
    public static LinkIndex For(DeliveryModelSnapshot model, LinkIndex? cached) =>
        cached is not null && ReferenceEquals(cached.Source, model.Links) ? cached : new LinkIndex(model.Links);

    /// <summary>Distinct ids of <paramref name="to"/> entities linked to the entity, in first-seen order.</summary>
    public IReadOnlyList<string> Linked(EntityKind from, string id, EntityKind to) =>
        _maps[(int)from * Kinds + (int)to] is { } map && map.TryGetValue(id, out var list) ? list : None;

    private void Add(EntityKind from, string fromId, EntityKind to, string toId)
    {
        ref var map = ref _maps[(int)from * Kinds + (int)to];
        map ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!map.TryGetValue(fromId, out var list))
        {
            list = new List<string>(2);
            map[fromId] = list;
        }

        foreach (var existing in list)
        {
            if (string.Equals(existing, toId, StringComparison.Ordinal))
            {
                return;
            }
        }

        list.Add(toId);
    }
}
