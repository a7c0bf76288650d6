using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync.Completeness;

/// <summary>What the store holds of one object type: records (archived ones included) and archived records.</summary>
public sealed record KindSize(EntityKind Kind, long Stored, long Archived)
{
    /// <summary>Live (not archived) records.</summary>
    public long Live => Math.Max(0, Stored - Archived);
}

/// <summary>
/// A cycle's completeness plan: the share of every object type's id space to check (1 = all of it), what the whole
/// check costs, and how often a whole pass comes round.
/// </summary>
/// <param name="Fraction">The share of each type's stored ids this cycle checks, in (0, 1].</param>
/// <param name="WholeCost">Calls a check of everything costs (estimated from the store's counts).</param>
/// <param name="EstimatedCost">Calls this cycle's slice costs (estimated).</param>
/// <param name="WithinBudget">Everything fits <see cref="CompletenessOptions.CompletenessBudget"/>: checked whole each cycle.</param>
/// <param name="CyclesPerPass">Cycles a whole pass takes at this share.</param>
/// <param name="PassEvery">How often a whole pass completes: <paramref name="CyclesPerPass"/> periods.</param>
/// <param name="Slices">Stored ids to check per type (the last slice of a pass also covers every id above them).</param>
public sealed record CompletenessPlan(
    double Fraction,
    long WholeCost,
    long EstimatedCost,
    bool WithinBudget,
    int CyclesPerPass,
    TimeSpan PassEvery,
    IReadOnlyDictionary<EntityKind, long> Slices);

/// <summary>
/// Sizes the completeness check (docs/sync.md, "Completeness"). The whole check of a portal costs
/// <c>Σ per type max(1, ⌈archived/100⌉)</c> (the <c>archived=true</c> list, 100 a page) plus
/// <c>Σ per association pair ⌈live records on its from side/1,000⌉</c> (v4 batch reads, 1,000 inputs a call). When that
/// fits the budget, every cycle checks everything. Otherwise each cycle checks the same share of every type's id space:
/// the larger of what the budget buys and what the window needs (<c>1 / ⌊window / period⌋</c>, so a pass takes at most
/// the window's whole number of periods).
/// </summary>
public static class CompletenessPlanner
{
    /// <summary>Records an <c>archived=true</c> list page holds.</summary>
    public const int ListPage = 100;

    /// <summary>Inputs an association batch read takes.</summary>
    public const int AssociationBatch = 1000;

    /// <param name="sizes">What the store holds per object type checked.</param>
    /// <param name="pairs">The association pairs checked (from, to), their from side among <paramref name="sizes"/>.</param>
    /// <param name="period">The time between two checks: the schedule's period, or the time since the last check.</param>
    public static CompletenessPlan Plan(
        IReadOnlyList<KindSize> sizes, IReadOnlyList<(EntityKind From, EntityKind To)> pairs, CompletenessOptions options, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(options);
        var whole = Cost(sizes, pairs, 1);
        double fraction;
        var withinBudget = whole <= options.CompletenessBudget;
        if (withinBudget || period >= options.CompletenessWindow || period <= TimeSpan.Zero)
        {
            // A zero period (no previous check known) or one past the window: everything is due now.
            fraction = 1;
        }
        else
        {
            var periods = Math.Max(1, (long)Math.Floor(options.CompletenessWindow / period));
            fraction = Math.Max(1.0 / periods, BudgetFraction(sizes, pairs, options.CompletenessBudget));
        }

        var cycles = fraction >= 1 ? 1 : (int)Math.Ceiling(1 / fraction - 1e-9);
        var slices = sizes.ToDictionary(s => s.Kind, s => fraction >= 1 ? s.Stored : Math.Min(s.Stored, Math.Max(1, Chunks(s.Stored * fraction, 1))));
        return new CompletenessPlan(
            fraction,
            whole,
            Cost(sizes, pairs, fraction),
            withinBudget,
            cycles,
            period > TimeSpan.Zero ? period * cycles : TimeSpan.Zero,
            slices);
    }

    /// <summary>The estimated calls of a check of <paramref name="fraction"/> of every type's id space.</summary>
    public static long Cost(IReadOnlyList<KindSize> sizes, IReadOnlyList<(EntityKind From, EntityKind To)> pairs, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(pairs);
        var byKind = sizes.ToDictionary(s => s.Kind);
        var archives = sizes.Sum(s => Math.Max(1, Chunks(s.Archived * fraction, ListPage)));
        var links = pairs.Sum(p => byKind.TryGetValue(p.From, out var s) && s.Live > 0 ? Math.Max(1, Chunks(s.Live * fraction, AssociationBatch)) : 0);
        return archives + links;
    }

    /// <summary>The largest share (0–1) whose estimated cost fits the budget; 0 when not even the smallest slice fits.</summary>
    public static double BudgetFraction(IReadOnlyList<KindSize> sizes, IReadOnlyList<(EntityKind From, EntityKind To)> pairs, int budget)
    {
        if (Cost(sizes, pairs, 1) <= budget)
        {
            return 1;
        }

        double low = 0, high = 1;
        if (Cost(sizes, pairs, 1e-9) > budget)
        {
            return 0;
        }

        for (var i = 0; i < 40; i++)
        {
            var mid = (low + high) / 2;
            if (Cost(sizes, pairs, mid) <= budget)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        // A hair below what the search found: the share then sits under a chunk boundary, never just above it.
        return Math.Max(0, low - 1e-6);
    }

    // Slices and their cost round the same way, with the same tolerance: a share the budget search found a hair above
    // 0.5 must not make a slice of 10,001 ids (one more association read per pair) while its cost counted 10,000.
    private static long Chunks(double items, int size) => items <= 0 ? 0 : (long)Math.Ceiling(items / size - 1e-6);
}
