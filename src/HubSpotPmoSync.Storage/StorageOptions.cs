namespace HubSpotPmoSync.Storage;

/// <summary>Where and how the local delivery model is stored.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section: <c>Storage</c>.</summary>
    public const string SectionName = "Storage";

    /// <summary>The SQLite provider's name (the default).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The PostgreSQL provider's name.</summary>
    public const string Postgres = "postgres";

    /// <summary>
    /// Which database holds the model: <c>sqlite</c> (the file <see cref="DatabasePath"/>) or <c>postgres</c> (the
    /// server <see cref="ConnectionString"/> names).
    /// </summary>
    /// <value>The default value is <c>sqlite</c>.</value>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Path of the SQLite database file (created with mode 0600 when missing; its folder is created too).
    /// </summary>
    /// <value>The default value is <c>data/hubspot-pmo-sync.db</c>.</value>
    public string DatabasePath { get; set; } = "data/hubspot-pmo-sync.db";

    /// <summary>
    /// With <c>postgres</c>: the Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>, and
    /// <c>Search Path=…</c> for a schema other than <c>public</c>). Never logged; messages show it with its password masked.
    /// </summary>
    /// <value>The default value is none (required with <c>postgres</c>).</value>
    public string? ConnectionString { get; set; }

    /// <summary>How long a writer waits for a lock held by another connection before failing.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether <see cref="Provider"/> names PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Every problem of the section, each naming its key (the connection string's own syntax is the PostgreSQL
    /// provider's to check); empty when valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var provider = Provider?.Trim();
        if (!string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
        {
            problems.Add($"Storage:Provider: '{Provider}' is not a provider; use sqlite (the default) or postgres.");
        }

        if (!IsPostgres && string.IsNullOrWhiteSpace(DatabasePath))
        {
            problems.Add("Storage:DatabasePath must name a file.");
        }

        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("Storage:ConnectionString must be set when Storage:Provider is postgres (an Npgsql connection string, e.g. Host=127.0.0.1;Port=5432;Database=pmo;Username=pmo;Password=...).");
        }

        if (BusyTimeout <= TimeSpan.Zero)
        {
            problems.Add("Storage:BusyTimeout must be positive.");
        }

        return problems;
    }
}
