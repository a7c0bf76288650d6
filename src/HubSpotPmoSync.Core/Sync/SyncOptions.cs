namespace HubSpotPmoSync.Core.Sync;

/// <summary>How the inbound sync reads HubSpot (configuration section <c>Sync</c>).</summary>
public sealed class SyncOptions
{
    /// <summary>The configuration section: <c>Sync</c>.</summary>
    public const string SectionName = "Sync";

    /// <summary>Path of the mappings file (JSON; see <c>config/mappings.schema.json</c>).</summary>
    /// <value>The default value is <c>config/mappings.json</c>.</value>
    public string MappingsPath { get; set; } = "config/mappings.json";

    /// <summary>
    /// How far behind now the settle pass stays: modifications older than this are assumed visible in HubSpot's
    /// search index, so the settle pass re-reads up to <c>now - SettleWindow</c> and advances the settled cursor,
    /// the one that counts.
    /// </summary>
    /// <value>The default value is 1 hour (<c>01:00:00</c>).</value>
    public TimeSpan SettleWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far before the fast cursor the fast search pass starts, to catch records the index showed a little late.</summary>
    /// <value>The default value is 1 minute (<c>00:01:00</c>).</value>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Records a list page (the list endpoint allows at most 100).</summary>
    /// <value>The default value is 100.</value>
    public int ListPageSize { get; set; } = 100;

    /// <summary>Whether the full reconcile sweeps archived records (<c>archived=true</c> list).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SweepArchived { get; set; } = true;

    /// <summary>
    /// Retired (a configuration warning): every incremental cycle's completeness check finds archives, restores and
    /// merges (<see cref="Completeness.CompletenessOptions"/>). When true, every run still lists every archived record
    /// as well, one list call per 100 archived records per object.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool SweepArchivedEveryRun { get; set; }

    /// <summary>
    /// About how many records one partition of a first sync or full reconcile holds. A type with more records than
    /// this (as search counts them) is split by id range: the list cursor reads from the lowest ids while searches
    /// read the other ranges at once, so both of HubSpot's budgets (the 10-second one and search's own) are spent
    /// together. 0 turns partitioning off: every listing is one list cursor.
    /// </summary>
    /// <value>The default value is 2,000.</value>
    public int PartitionSize { get; set; } = 2_000;

    /// <summary>How many failing or excluded records a report lists by id (the ledger keeps all of them).</summary>
    /// <value>The default value is 20.</value>
    public int ReportedIssuesPerObject { get; set; } = 20;

    /// <summary>
    /// The largest share (0–1) of a cycle's writes HubSpot may reject (values dead-lettered, projects kickoff could not
    /// create) for the cycle to count as a success: above it, <c>sync</c> exits 1 with the reasons counted and
    /// <c>run</c> logs the cycle as failed.
    /// </summary>
    /// <value>The default value is 0.2.</value>
    public double MaxRejectedShare { get; set; } = 0.2;

    /// <summary>Every problem with the options, naming the setting (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(MappingsPath))
        {
            errors.Add("Sync:MappingsPath must name a file.");
        }

        if (SettleWindow < TimeSpan.Zero)
        {
            errors.Add("Sync:SettleWindow must not be negative.");
        }

        if (Overlap < TimeSpan.Zero)
        {
            errors.Add("Sync:Overlap must not be negative.");
        }

        if (ListPageSize is < 1 or > 100)
        {
            errors.Add("Sync:ListPageSize must be between 1 and 100.");
        }

        if (PartitionSize < 0)
        {
            errors.Add("Sync:PartitionSize must be 0 (no partitions) or a number of records.");
        }

        if (double.IsNaN(MaxRejectedShare) || MaxRejectedShare is < 0 or > 1)
        {
            errors.Add("Sync:MaxRejectedShare must be a number from 0 to 1 (a share of the cycle's writes).");
        }

        if (ReportedIssuesPerObject < 0)
        {
            errors.Add("Sync:ReportedIssuesPerObject must not be negative.");
        }

        return errors;
    }
}
