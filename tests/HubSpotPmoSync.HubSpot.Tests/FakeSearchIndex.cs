using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests;

/// <summary>
/// An in-memory stand-in for HubSpot's search endpoint with its real constraints: one filter group of ANDed
/// filters on <c>hs_lastmodifieddate</c> / <c>hs_object_id</c>, one sort, offset paging, and a 400 past 10,000
/// results. Ties on the sort property come back in an arbitrary (but stable) order, as HubSpot does not promise one.
/// </summary>
internal sealed class FakeSearchIndex(IReadOnlyList<(long Id, long Ms)> records)
{
    public int Queries { get; private set; }

    public HttpResponseMessage Answer(RecordedRequest request)
    {
        Queries++;
        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        var limit = root.GetProperty("limit").GetInt32();
        var after = root.TryGetProperty("after", out var a) && a.ValueKind == JsonValueKind.String ? int.Parse(a.GetString()!, CultureInfo.InvariantCulture) : 0;
        if (limit > 200 || after + limit > 10_000)
        {
            return StubHttpMessageHandler.Json(HttpStatusCode.BadRequest, """{"status":"error","category":"VALIDATION_ERROR","message":"paging past 10000"}""");
        }

        IEnumerable<(long Id, long Ms)> matches = records;
        foreach (var filter in root.GetProperty("filterGroups")[0].GetProperty("filters").EnumerateArray())
        {
            var property = filter.GetProperty("propertyName").GetString();
            var op = filter.GetProperty("operator").GetString();
            var value = long.Parse(filter.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
            Func<(long Id, long Ms), long> field = property == "hs_object_id" ? r => r.Id : r => r.Ms;
            matches = op switch
            {
                "GTE" => matches.Where(r => field(r) >= value),
                "GT" => matches.Where(r => field(r) > value),
                "LTE" => matches.Where(r => field(r) <= value),
                "EQ" => matches.Where(r => field(r) == value),
                _ => throw new InvalidOperationException(op),
            };
        }

        var sort = root.GetProperty("sorts")[0].GetProperty("propertyName").GetString();
        var ordered = sort == "hs_object_id"
            ? matches.OrderBy(r => r.Id)
            : matches.OrderBy(r => r.Ms).ThenBy(r => (r.Id * 7919) % 10_007);
        var all = ordered.ToList();
        var page = all.Skip(after).Take(limit).ToList();
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"total":{{all.Count}},"results":[""");
        json.AppendJoin(',', page.Select(r => Responses.Record(r.Id.ToString(CultureInfo.InvariantCulture), r.Ms)));
        json.Append(']');
        if (after + limit < all.Count)
        {
            json.Append(CultureInfo.InvariantCulture, $$$""","paging":{"next":{"after":"{{{after + limit}}}"}}""");
        }

        json.Append('}');
        return StubHttpMessageHandler.Json(HttpStatusCode.OK, json.ToString());
    }
}
