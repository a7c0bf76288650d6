namespace HubSpotPmoSync.Core.Health;

/// <summary>Sort orders by string keys without LINQ: the order a stable <c>OrderBy(key, Ordinal).ThenBy(then, Ordinal)</c> gives.</summary>
internal static class OrdinalOrder
{
    /// <summary>
    /// The positions 0..n−1 ordered by <paramref name="keys"/> (ordinal), equal keys by <paramref name="thenBy"/>
    /// (ordinal) when given, then by position.
    /// </summary>
    public static int[] Of(string[] keys, string[]? thenBy = null)
    {
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sorted = (string[])keys.Clone();
        Array.Sort(sorted, order, StringComparer.Ordinal);

        // Array.Sort is not stable: put each run of equal keys in order again.
        Comparer<int>? ties = null;
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && string.Equals(sorted[end], sorted[start], StringComparison.Ordinal))
            {
                end++;
            }

            if (end - start > 1)
            {
                ties ??= Comparer<int>.Create((a, b) =>
                {
                    var c = thenBy is null ? 0 : string.CompareOrdinal(thenBy[a], thenBy[b]);
                    return c != 0 ? c : a.CompareTo(b);
                });
                Array.Sort(order, start, end - start, ties);
            }

            start = end;
        }

        return order;
    }
}
