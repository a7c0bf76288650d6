using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.HubSpot.Api;
using Microsoft.Extensions.Logging;
using HubSpotPmoSync.HubSpot.Http;
using HubSpotPmoSync.HubSpot.RateLimiting;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.HubSpot;

/// <summary>
/// The HubSpot client behind <see cref="ICrmSource"/> and <see cref="ICrmWriter"/>: builds requests, pages, batches
/// and splits searches over the Refit interfaces of <see cref="HubSpotApi"/>; the handlers below them authenticate,
/// rate-limit and retry. Split by concern: reads (<c>.Reads</c>), the search windows (<c>.Search</c>), object writes
/// (<c>.Writes</c>), associations (<c>.Associations</c>), properties, pipelines and schemas (<c>.Schema</c>) and the
/// transport with its error mapping (<c>.Transport</c>).
/// </summary>
internal sealed partial class HubSpotClient : ICrmSource, ICrmWriter
{
    /// <summary>HubSpot's maximum inputs per object batch call.</summary>
    internal const int ObjectBatchSize = 100;

    /// <summary>HubSpot's maximum records per list page.</summary>
    internal const int MaxListPageSize = 100;

    /// <summary>HubSpot's cap on the results one search query can page through.</summary>
    internal const int SearchResultCap = 10_000;

    /// <summary>HubSpot's maximum inputs per association batch create.</summary>
    internal const int AssociationWriteBatchSize = 1_000;

    private readonly HubSpotApi _api;
    private readonly HubSpotApiFamily _family;
    private readonly HubSpotOptions _options;
    private readonly ILogger _logger;

    public HubSpotClient(HubSpotApi api, IOptions<HubSpotOptions> options, ILogger<HubSpotClient> logger)
    {
        _api = api;
        _options = options.Value;
        _family = HubSpotApiFamily.Of(_options);
        _logger = logger;
    }

    /// <summary>The date in the interfaces' <c>{version}</c> segment.</summary>
    private string V => _family.PathVersion;

    /// <summary>The call description of a route: its template in the configured family, its budget, whether a repeat is safe.</summary>
    private HubSpotCall Call(string method, string datedTemplate, HubSpotBudget budget, bool idempotent) =>
        new(_family.Route(method, datedTemplate), budget, idempotent);
}
