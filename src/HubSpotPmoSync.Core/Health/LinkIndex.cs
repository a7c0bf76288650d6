using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>
/// The links of a snapshot indexed both ways, built once per scoring run and shared by the scorer, the rollups
/// and the reports (and once per kickoff plan): scanning all links per lookup is too slow for a portfolio of 100k
/// projects.
/// </summary>
/// <remarks>
/// Every id that appears in a link gets a dense number per entity kind (<see cref="IndexOf"/>), in first-seen
/// order. The links of each pair of kinds are stored as one array of numbers per pair, grouped by the entity they
/// start from (compressed sparse rows), so a lookup allocates nothing. Each entity's list holds the distinct linked
/// entities in the order their links appear (either link direction counts).
/// </remarks>
internal sealed class LinkIndex
{
    private const int Kinds = 4;
    private readonly Dictionary<string, int>[] _numbers = new Dictionary<string, int>[Kinds];
    private readonly List<string>[] _ids = new List<string>[Kinds];
    private readonly int[]?[] _starts = new int[Kinds * Kinds][];
    private readonly int[]?[] _targets = new int[Kinds * Kinds][];

    /// <param name="expected">Expected ids per kind (the model's record counts), to size the tables once.</param>
    private LinkIndex(IReadOnlyList<DeliveryLink> links, int[] expected)
    {
        Source = links;
        for (var k = 0; k < Kinds; k++)
        {
            _numbers[k] = new Dictionary<string, int>(expected[k], StringComparer.Ordinal);
            _ids[k] = new List<string>(expected[k]);
        }

        // Number both ends of every link: one kind per task, each in link order (so the numbers do not depend on threads).
        var from = new int[links.Count];
        var to = new int[links.Count];
        Parallel.For(0, Kinds, k =>
        {
            // The links of a record usually come together: the same id as the last one needs no lookup.
            var kind = (EntityKind)k;
            string? lastId = null;
            var last = -1;
            int NumberOf(string id)
            {
                if (!string.Equals(id, lastId, StringComparison.Ordinal))
                {
                    lastId = id;
                    last = Number(kind, id);
                }

                return last;
            }

            for (var i = 0; i < links.Count; i++)
            {
                var l = links[i];
                if (l.From == kind)
                {
                    from[i] = NumberOf(l.FromId);
                }

                if (l.To == kind)
                {
                    to[i] = NumberOf(l.ToId);
                }
            }
        });

        // Each link is a row entry in two directions: From → To, then To → From. Count the entries per starting entity…
        for (var i = 0; i < links.Count; i++)
        {
            var l = links[i];
            StartsOf(l.From, l.To)[from[i] + 1]++;
            StartsOf(l.To, l.From)[to[i] + 1]++;
        }

        for (var slot = 0; slot < Kinds * Kinds; slot++)
        {
            if (_starts[slot] is { } starts)
            {
                for (var r = 1; r < starts.Length; r++)
                {
                    starts[r] += starts[r - 1];
                }

                _targets[slot] = new int[starts[^1]];
            }
        }

        // … place them in link order …
        var next = new int[Kinds * Kinds][];
        for (var slot = 0; slot < Kinds * Kinds; slot++)
        {
            next[slot] = _starts[slot] is { } starts ? starts[..^1] : [];
        }

        for (var i = 0; i < links.Count; i++)
        {
            var l = links[i];
            var forward = Slot(l.From, l.To);
            _targets[forward]![next[forward][from[i]]++] = to[i];
            var backward = Slot(l.To, l.From);
            _targets[backward]![next[backward][to[i]]++] = from[i];
        }

        // … and keep the first of repeated entries.
        for (var slot = 0; slot < Kinds * Kinds; slot++)
        {
            if (_starts[slot] is { } starts)
            {
                Distinct(starts, _targets[slot]!, Count((EntityKind)(slot % Kinds)));
            }
        }
    }

    /// <summary>The links indexed (to tell whether a cached index belongs to a snapshot).</summary>
    public IReadOnlyList<DeliveryLink> Source { get; }

    /// <summary>The index of <paramref name="model"/>'s links: <paramref name="cached"/> when it was built from them.</summary>
    public static LinkIndex For(DeliveryModelSnapshot model, LinkIndex? cached) =>
        cached is not null && ReferenceEquals(cached.Source, model.Links) ? cached : Of(model);

    /// <summary>The index of <paramref name="model"/>'s links, its tables sized for the model's records.</summary>
    public static LinkIndex Of(DeliveryModelSnapshot model)
    {
        var expected = new int[Kinds];
        expected[(int)EntityKind.Company] = model.Companies.Count;
        expected[(int)EntityKind.Deal] = model.Deals.Count;
        expected[(int)EntityKind.Ticket] = model.Tickets.Count;
        expected[(int)EntityKind.Project] = model.Projects.Count;
        return new LinkIndex(model.Links, expected);
    }

    /// <summary>How many entities of <paramref name="kind"/> appear in links (their numbers are 0 to Count − 1).</summary>
    public int Count(EntityKind kind) => _ids[(int)kind].Count;

    /// <summary>The number of an entity, or −1 when no link mentions it.</summary>
    public int IndexOf(EntityKind kind, string id) => _numbers[(int)kind].TryGetValue(id, out var n) ? n : -1;

    /// <summary>The id of entity number <paramref name="index"/>.</summary>
    public string IdOf(EntityKind kind, int index) => _ids[(int)kind][index];

    /// <summary>Numbers of the distinct <paramref name="to"/> entities linked to entity number <paramref name="index"/>, in first-seen order.</summary>
    public ReadOnlySpan<int> Linked(EntityKind from, int index, EntityKind to)
    {
        var slot = Slot(from, to);
        if (index < 0 || _starts[slot] is not { } starts || index + 1 >= starts.Length)
        {
            return [];
        }

        return _targets[slot].AsSpan(starts[index], starts[index + 1] - starts[index]);
    }

    /// <summary>Distinct ids of <paramref name="to"/> entities linked to the entity, in first-seen order.</summary>
    public IReadOnlyList<string> Linked(EntityKind from, string id, EntityKind to)
    {
        var numbers = Linked(from, IndexOf(from, id), to);
        if (numbers.IsEmpty)
        {
            return [];
        }

        var ids = new string[numbers.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = IdOf(to, numbers[i]);
        }

        return ids;
    }

    private static int Slot(EntityKind from, EntityKind to) => (int)from * Kinds + (int)to;

    private int Number(EntityKind kind, string id)
    {
        var numbers = _numbers[(int)kind];
        if (!numbers.TryGetValue(id, out var n))
        {
            n = numbers.Count;
            numbers.Add(id, n);
            _ids[(int)kind].Add(id);
        }

        return n;
    }

    /// <summary>The row starts of a pair of kinds, created on first use (one row per numbered entity of the first kind).</summary>
    private int[] StartsOf(EntityKind from, EntityKind to) => _starts[Slot(from, to)] ??= new int[Count(from) + 1];

    /// <summary>Drops repeated entries within each row (the first is kept), compacting the rows in place.</summary>
    private static void Distinct(int[] starts, int[] targets, int targetCount)
    {
        var seen = new int[targetCount];
        var write = 0;
        var begin = 0;
        for (var r = 0; r + 1 < starts.Length; r++)
        {
            var end = starts[r + 1];
            starts[r] = write;
            for (var j = begin; j < end; j++)
            {
                var t = targets[j];
                if (seen[t] != r + 1)
                {
                    seen[t] = r + 1;
                    targets[write++] = t;
                }
            }

            begin = end;
        }

        starts[^1] = write;
    }
}
