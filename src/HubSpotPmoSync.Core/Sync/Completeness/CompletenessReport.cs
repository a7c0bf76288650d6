using System.Globalization;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Sync.Completeness;

/// <summary>What the completeness check did to one object type in a cycle.</summary>
/// <param name="Calls">Calls it made for the type: its archived list pages, batch reads of records to restore, and the association reads of the pairs whose from side it is.</param>
/// <param name="SliceIds">Stored ids this cycle's slice held.</param>
/// <param name="Checked">Stored ids the current pass has checked, this slice included.</param>
/// <param name="Total">Stored ids of the type (the pass's denominator).</param>
/// <param name="PassCompleted">This slice was the last of a pass (every id of the type checked).</param>
/// <param name="Archived">Records found archived (deleted or merged away in HubSpot) and archived locally.</param>
/// <param name="Restored">Records found live again and restored locally.</param>
/// <param name="Created">Records never stored before, found archived, and stored so.</param>
/// <param name="LinksChanged">Links added, removed or relabelled.</param>
public sealed record KindCompleteness(
    EntityKind Kind,
    long Calls,
    long SliceIds,
    long Checked,
    long Total,
    bool PassCompleted,
    long Archived,
    long Restored,
    long Created,
    long LinksChanged)
{
    /// <summary>How far the current pass has got, 0–1 (1 when it completed this cycle).</summary>
    public double Progress => PassCompleted || Total <= 0 ? 1 : Math.Min(1, (double)Checked / Total);
}

/// <summary>The completeness check of one cycle: per object type, and the plan it followed.</summary>
public sealed record CompletenessReport(IReadOnlyList<KindCompleteness> Objects, CompletenessPlan Plan, int Budget)
{
    public long Calls => Objects.Sum(o => o.Calls);

    public long Checked => Objects.Sum(o => o.PassCompleted ? o.Total : o.Checked);

    public long Total => Objects.Sum(o => o.Total);

    /// <summary>
    /// <c>completeness: 12 calls, slice 3,400/20,000 ids, full pass every ≈ 58 min</c>, or, when everything fits the
    /// budget, <c>completeness: 17 calls, all 6,700 ids (within the budget of 50)</c>.
    /// </summary>
    public string Summary() =>
        Plan.Slices.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"completeness: {Calls} calls, all {Total:N0} ids (listed whole)")
        : Plan.WithinBudget || Plan.Fraction >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"completeness: {Calls} calls, all {Total:N0} ids{(Plan.WithinBudget ? $" (within the budget of {Budget})" : " (a whole pass was due)")}")
            : string.Create(CultureInfo.InvariantCulture, $"completeness: {Calls} calls, slice {Checked:N0}/{Total:N0} ids, full pass every ≈ {HumanDuration.Format(Plan.PassEvery)}");
}
