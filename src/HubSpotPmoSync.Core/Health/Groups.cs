namespace HubSpotPmoSync.Core.Health;

/// <summary>Items grouped by a number 0..count−1 in one array, in their order within a group (a counting sort).</summary>
internal sealed class Groups<T>
{
    private readonly T[] _items;
    private readonly int[] _starts;

    /// <param name="keyOf">The key of an item.</param>
    /// <param name="groups">The group of each key (an item whose key is missing is left out).</param>
    public Groups(IReadOnlyList<T> items, int count, Func<T, string> keyOf, Dictionary<string, int> groups)
    {
        var group = new int[items.Count];
        _starts = new int[count + 1];
        string? lastKey = null;
        var last = -1;
        for (var i = 0; i < group.Length; i++)
        {
            // Items usually come sorted by key: the same key as the last one needs no lookup.
            var key = keyOf(items[i]);
            if (!string.Equals(key, lastKey, StringComparison.Ordinal))
            {
                lastKey = key;
                last = groups.TryGetValue(key, out var found) ? found : -1;
            }

            var g = last;
            group[i] = g;
            if (g >= 0)
            {
                _starts[g + 1]++;
            }
        }

        for (var g = 0; g < count; g++)
        {
            _starts[g + 1] += _starts[g];
        }

        _items = new T[_starts[count]];
        var next = _starts[..count];
        for (var i = 0; i < group.Length; i++)
        {
            if (group[i] >= 0)
            {
                _items[next[group[i]]++] = items[i];
            }
        }
    }

    /// <summary>The items of group <paramref name="group"/>.</summary>
    public ReadOnlySpan<T> this[int group] => _items.AsSpan(_starts[group], _starts[group + 1] - _starts[group]);
}
