using System.Text;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;

namespace HubSpotPmoSync.Worker.Http.Portfolio;

/// <summary>
/// The portfolio table's sort and filters, read from the query string (<c>?sort=cpi&amp;dir=asc&amp;client=…&amp;owner=…</c>)
/// so that links and a plain form drive them without any script. Unknown values fall back to the defaults.
/// </summary>
/// <param name="Sort">One of <see cref="SortKeys"/>; <c>risk</c> (worst RAG first, then lowest score) by default.</param>
/// <param name="Descending">The direction; each key has its natural one (<see cref="NaturalDescending"/>).</param>
/// <param name="Client">Only projects of this client (one of the names in the Client column).</param>
/// <param name="Owner">Only projects whose deals this HubSpot owner id owns.</param>
internal sealed record PortfolioQuery(string Sort, bool Descending, string? Client, string? Owner)
{
    public const string DefaultSort = "risk";

    /// <summary>The sort keys and their labels, in the order of the sort menu.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> SortKeys =
    [
        ("risk", "Risk (worst first)"), ("project", "Project"), ("client", "Client"), ("owner", "Owner"), ("rag", "RAG"),
        ("score", "Score"), ("trend", "Trend"), ("reason", "Top reason"), ("cpi", "CPI"), ("spi", "SPI"), ("eac", "EAC vs budget"),
    ];

    public static PortfolioQuery Default { get; } = new(DefaultSort, NaturalDescending(DefaultSort), null, null);

    /// <summary>Reads the query string's values (the first of each), ignoring what it does not know.</summary>
    public static PortfolioQuery Parse(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        var sort = get("sort")?.Trim().ToLowerInvariant();
        if (sort is null || !SortKeys.Any(k => k.Key == sort))
        {
            sort = DefaultSort;
        }

        var dir = get("dir")?.Trim().ToLowerInvariant();
        var descending = dir switch
        {
            "asc" => false,
            "desc" => true,
            _ => NaturalDescending(sort),
        };
        return new PortfolioQuery(sort, descending, Blank(get("client")), Blank(get("owner")));
    }

    /// <summary>The direction a column sorts in when first clicked: the one that shows the worst first.</summary>
    public static bool NaturalDescending(string sort) => sort is "risk" or "rag" or "eac";

    /// <summary>The link to the page with this sort and filter (defaults and empty values left out); not HTML-encoded.</summary>
    public string Href()
    {
        var parts = new List<string>();
        if (Sort != DefaultSort || Descending != NaturalDescending(Sort))
        {
            parts.Add("sort=" + Uri.EscapeDataString(Sort));
            parts.Add("dir=" + (Descending ? "desc" : "asc"));
        }

        if (Client is not null)
        {
            parts.Add("client=" + Uri.EscapeDataString(Client));
        }

        if (Owner is not null)
        {
            parts.Add("owner=" + Uri.EscapeDataString(Owner));
        }

        return parts.Count == 0 ? "/" : "/?" + string.Join('&', parts);
    }

    /// <summary>The link of a column header: the other direction when it is the current sort, its natural one otherwise.</summary>
    public PortfolioQuery SortedBy(string sort) =>
        this with { Sort = sort, Descending = sort == Sort ? !Descending : NaturalDescending(sort) };

    /// <summary>The rows that pass the filters, in the requested order (unknown values last in either direction).</summary>
    public IReadOnlyList<HealthReportRow> Apply(IEnumerable<HealthReportRow> rows, IReadOnlyDictionary<string, IReadOnlyList<string>> owners)
    {
        var kept = rows.Where(r => (Client is null || ClientsOf(r).Contains(Client, StringComparer.Ordinal))
            && (Owner is null || OwnersOf(r, owners).Contains(Owner, StringComparer.Ordinal)));
        var list = kept.ToList();
        list.Sort((a, b) =>
        {
            var c = Compare(a, b, owners);
            if (c == 0)
            {
                return string.CompareOrdinal(a.ProjectCode, b.ProjectCode);
            }

            return c;
        });
        return list;
    }

    /// <summary>The client names of a row (the report joins several with "; ").</summary>
    public static IReadOnlyList<string> ClientsOf(HealthReportRow row) =>
        row.Client.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IReadOnlyList<string> OwnersOf(HealthReportRow row, IReadOnlyDictionary<string, IReadOnlyList<string>> owners) =>
        owners.TryGetValue(row.ProjectId, out var list) ? list : [];

    /// <summary>EAC ÷ budget, the forecast against the budget (above 1: over budget).</summary>
    public static decimal? EacRatio(HealthReportRow row) => row is { Eac: { } eac, Bac: > 0m } ? eac / row.Bac.Value : null;

    private int Compare(HealthReportRow a, HealthReportRow b, IReadOnlyDictionary<string, IReadOnlyList<string>> owners) => Sort switch
    {
        "project" => Directed(string.CompareOrdinal(a.ProjectCode, b.ProjectCode)),
        "client" => Text(a.Client, b.Client),
        "owner" => Text(string.Join(' ', OwnersOf(a, owners)), string.Join(' ', OwnersOf(b, owners))),
        "rag" => Directed(a.Rag.Severity().CompareTo(b.Rag.Severity())),
        "score" => Nullable(a.Score, b.Score),
        "trend" => Directed(TrendRank(a.Trend).CompareTo(TrendRank(b.Trend))),
        "reason" => Text(a.TopReason, b.TopReason),
        "cpi" => Nullable(a.Cpi, b.Cpi),
        "spi" => Nullable(a.Spi, b.Spi),
        "eac" => Nullable(EacRatio(a), EacRatio(b)),
        _ => Risk(a, b),
    };

    private int Risk(HealthReportRow a, HealthReportRow b)
    {
        var c = Directed(a.Rag.Severity().CompareTo(b.Rag.Severity()));
        if (c != 0)
        {
            return c;
        }

        // Within one RAG the lowest score is the most at risk, so it comes first when the worst come first.
        return Nullable(a.Score, b.Score, flip: true);
    }

    private int Directed(int c) => Descending ? -c : c;

    /// <summary>Text compared ignoring case; empty text last.</summary>
    private int Text(string a, string b) => (a.Length == 0, b.Length == 0) switch
    {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => -1,
        _ => Directed(string.Compare(a, b, StringComparison.OrdinalIgnoreCase)),
    };

    private int Nullable(decimal? a, decimal? b, bool flip = false) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        _ => flip ? -Directed(a.Value.CompareTo(b.Value)) : Directed(a.Value.CompareTo(b.Value)),
    };

    /// <summary>Worsening first, then steady, improving, unknown.</summary>
    private static int TrendRank(HealthTrend trend) => trend switch
    {
        HealthTrend.Worsening => 0,
        HealthTrend.Steady => 1,
        HealthTrend.Improving => 2,
        _ => 3,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public override string ToString()
    {
        var sb = new StringBuilder(Sort).Append(Descending ? " desc" : " asc");
        if (Client is not null)
        {
            sb.Append(" client=").Append(Client);
        }

        if (Owner is not null)
        {
            sb.Append(" owner=").Append(Owner);
        }

        return sb.ToString();
    }
}
