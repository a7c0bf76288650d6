using System.Globalization;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.Sync.Completeness;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary><c>status</c>'s completeness lines: per object type, how far the rolling pass has got and what the last check cost.</summary>
internal static class CompletenessStatus
{
    public static async Task<string> RenderAsync(ICompletenessStore store, EntityKind? only, CancellationToken cancellationToken)
    {
        var positions = new List<CompletenessPosition>();
        foreach (var kind in EntityKinds.All.Where(k => only is null || k == only))
        {
            if (await store.GetPositionAsync(kind, cancellationToken) is { } position)
            {
                positions.Add(position);
            }
        }

        return Render(positions);
    }

    /// <summary>
    /// <c>completeness (archives, restores, merges, link-only changes):</c> then per type
    /// <c>deals      pass 3,400/20,000 ids (17 %); last check 2026-12-08T10:05:00.000Z, 12 calls; last whole pass …; a whole pass every ≈ 58 min</c>.
    /// </summary>
    internal static string Render(IReadOnlyList<CompletenessPosition> positions)
    {
        if (positions.Count == 0)
        {
            return string.Empty;
        }

        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine();
        w.WriteLine("completeness (archives, restores, merges, link-only changes):");
        foreach (var p in positions)
        {
            var pass = p.AfterId is null
                ? string.Create(CultureInfo.InvariantCulture, $"pass complete, {p.Total:N0} ids")
                : string.Create(CultureInfo.InvariantCulture, $"pass {p.Checked:N0}/{p.Total:N0} ids ({p.Progress:P0})");
            var every = p.PassEvery is { } e && e > TimeSpan.Zero ? $"; a whole pass every ≈ {HumanDuration.Format(e)}" : string.Empty;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Kind.Plural(),-10} {pass}; last check {Stamp(p.LastCheckAt)}, {p.LastCalls} calls; last whole pass {Stamp(p.LastPassCompletedAt)}{every}"));
        }

        return w.ToString();
    }

    private static string Stamp(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "never";
}
