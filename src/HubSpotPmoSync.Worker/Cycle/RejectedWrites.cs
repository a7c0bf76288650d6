using System.Globalization;
using System.Text;
using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Worker.Cycle;

/// <summary>
/// The writes of one cycle HubSpot rejected, against all it attempted: values dead-lettered by the flush and projects
/// kickoff could not create, against those plus the values and projects written. Above <c>Sync:MaxRejectedShare</c>
/// the cycle failed: <c>sync</c> exits 1 printing <see cref="Render"/>, <c>run</c> logs a failed cycle.
/// </summary>
/// <param name="Reasons">Why, as HubSpot said it (<c>CATEGORY: message</c>, or <c>kickoff: reason</c>), with how many writes each; most first.</param>
internal sealed record RejectedWrites(int Rejected, int Attempted, IReadOnlyList<(string Reason, int Count)> Reasons, double MaxShare)
{
    public double Share => Attempted == 0 ? 0 : (double)Rejected / Attempted;

    /// <summary>Whether the share rejected is above the maximum: the cycle failed.</summary>
    public bool Exceeded => Attempted > 0 && Share > MaxShare;

    /// <param name="since">When the cycle started: the dead letters it added are those failed since.</param>
    public static RejectedWrites Of(KickoffReport? kickoff, FlushReport? flush, IReadOnlyList<DeadLetter> letters, DateTimeOffset since, double maxShare)
    {
        var reasons = new List<string>();
        var rejected = 0;
        var attempted = 0;
        if (kickoff is not null)
        {
            rejected += kickoff.Failures.Count;
            attempted += kickoff.Created + kickoff.Matched + kickoff.Failures.Count;
            reasons.AddRange(kickoff.Failures.Select(f => "kickoff: " + f.Reason));
        }

        if (flush is not null)
        {
            rejected += flush.DeadLettered;
            attempted += flush.Applied.Count + flush.DeadLettered;
            reasons.AddRange(letters.Where(l => l.FailedAt >= since).Select(l => $"{l.Category}: {l.Message}"));
        }

        var grouped = reasons
            .GroupBy(r => r, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .OrderByDescending(g => g.Item2)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        return new RejectedWrites(rejected, attempted, grouped, maxShare);
    }

    /// <summary>What <c>sync</c> prints on standard error when the cycle failed: the share, then the reasons counted.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"error: {Rejected} of {Attempted} writes were rejected ({Math.Round(Share * 100, MidpointRounding.AwayFromZero)} %, above Sync:MaxRejectedShare {MaxShare.ToString(CultureInfo.InvariantCulture)}); by reason:\n");
        foreach (var (reason, count) in Reasons)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {count} × {reason}\n");
        }

        text.Append("The rejected values are kept as dead letters ('dlq list'); once the cause is fixed, 'dlq replay' sends them again.\n");
        return text.ToString();
    }

    /// <summary>The reasons on one line, for the log.</summary>
    public string Summary() => string.Join("; ", Reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Count} × {r.Reason}")));
}
