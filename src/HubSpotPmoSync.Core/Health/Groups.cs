namespace HubSpotPmoSync.Core.Health;

/// <summary>Items grouped by a number 0..count−1 in one array, in their order within a group (a counting sort).</summary>
internal sealed class Groups<T>
{
    private readonly T[] _items;
    private readonly int[] _starts;

    /// <param name="groupOf">The group of an item; −1 leaves it out.</param>
    public Groups(IReadOnlyList<T> items, int count, Func<T, int> groupOf)
    {
        var group = new int[items.Count];
        _starts = new int[count + 1];
        for (var i = 0; i < group.Length; i++)
        {
            var g = groupOf(items[i]);
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
