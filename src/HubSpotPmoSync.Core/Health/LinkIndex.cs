using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// The links of a snapshot indexed both ways, built once: <see cref="DeliveryModelSnapshot.Linked"/> scans all links
/// per call, which is too slow for a portfolio of 100k projects.
/// </summary>
internal sealed class LinkIndex
{
    private static readonly IReadOnlyList<string> None = [];
    private readonly Dictionary<(EntityKind, string, EntityKind), List<string>> _neighbours = [];

    public LinkIndex(IEnumerable<DeliveryLink> links)
    {
        foreach (var l in links)
        {
            Add(l.From, l.FromId, l.To, l.ToId);
            Add(l.To, l.ToId, l.From, l.FromId);
        }
    }

    /// <summary>Distinct ids of <paramref name="to"/> entities linked to the entity, in first-seen order.</summary>
    public IReadOnlyList<string> Linked(EntityKind from, string id, EntityKind to) =>
        _neighbours.TryGetValue((from, id, to), out var list) ? list : None;

    private void Add(EntityKind from, string fromId, EntityKind to, string toId)
    {
        if (!_neighbours.TryGetValue((from, fromId, to), out var list))
        {
            list = new List<string>(2);
            _neighbours[(from, fromId, to)] = list;
        }

        if (!list.Contains(toId, StringComparer.Ordinal))
        {
            list.Add(toId);
        }
    }
}
