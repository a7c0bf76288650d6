using HubSpotPmoSync.Worker;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Http.Portfolio;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The PMO's read-only portfolio pages: <c>/</c> (the health table, sortable and filterable through the query
/// string), <c>/projects/{code}</c> (its reasons and health history), <c>/budget</c> (the budget report) and
/// <c>/status</c> (the worker's state). Each request reads the store afresh; nothing here writes.
/// </summary>
internal static class PortfolioPageEndpoints
{
    /// <summary>How many recent runs the worker's state lists.</summary>
    public const int LastRuns = 10;

    public static IEndpointRouteBuilder MapPortfolioPage(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty).WithGroupName("portfolio");

        group.MapGet(PortfolioHtml.PortfolioPath, (HttpContext context, PortfolioReader reader, CancellationToken ct) => Page(context, reader, async () =>
        {
            var query = PortfolioQuery.Parse(key => context.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null);
            var state = await reader.WorkerStateAsync(1, ct);
            return (200, PortfolioHtml.Portfolio(await reader.PortfolioAsync(ct), query, state));
        }));

        group.MapGet("/projects/{code}", (string code, HttpContext context, PortfolioReader reader, HealthRulesProvider rules, CancellationToken ct) => Page(context, reader, async () =>
        {
            var view = await reader.PortfolioAsync(ct);
            var row = view.Report.Rows.FirstOrDefault(r => string.Equals(r.ProjectCode, code, StringComparison.OrdinalIgnoreCase));
            if (row is null)
            {
                return (404, PortfolioHtml.Message("Unknown project", $"No project has the code '{code}'.", null, reader.Now));
            }

            var owners = HubSpotPmoSync.Worker.Http.Portfolio.PortfolioQuery.OwnersOf(row, view.Owners);
            return (200, PortfolioHtml.Project(row, owners, reader.History(row.ProjectId), rules.Rules.Rag, view.Report.AsOf));
        }));

        group.MapGet(PortfolioHtml.BudgetPath, (HttpContext context, PortfolioReader reader, CancellationToken ct) => Page(context, reader, async () =>
            (200, PortfolioHtml.Budget(await reader.BudgetAsync(ct)))));

        group.MapGet(PortfolioHtml.StatusPath, (HttpContext context, PortfolioReader reader, CancellationToken ct) => Page(context, reader, async () =>
            (200, PortfolioHtml.Status(await reader.WorkerStateAsync(LastRuns, ct)))));

        return endpoints;
    }

    /// <summary>
    /// Renders a page with the headers every page carries (no caching, the content security policy, no sniffing, no
    /// framing). Before the first cycle there is no database, and none is created by looking. A failure is logged
    /// and answered with a plain 500 page that says where to look.
    /// </summary>
    private static async Task<IResult> Page(HttpContext context, PortfolioReader reader, Func<Task<(int Status, string Html)>> render)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = PortfolioHtml.ContentSecurityPolicyHeader;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        int status;
        string html;
        if (!await reader.HasDatabaseAsync(context.RequestAborted) && context.Request.Path != PortfolioHtml.StatusPath)
        {
            (status, html) = (200, PortfolioHtml.Message("No data yet", "There is no database yet: the worker's first cycle creates it. Reload once it has run.", context.Request.Path, reader.Now));
        }
        else
        {
            try
            {
                (status, html) = await render();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("HubSpotPmoSync.Worker.Http");
                Log.HttpRequestFailed(logger, e, context.Request.Method, context.Request.Path.Value ?? "/");
                (status, html) = (500, PortfolioHtml.Message("Cannot show this page", "Reading the local store failed; the worker's log (standard error) has the details.", null, reader.Now));
            }
        }

        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
