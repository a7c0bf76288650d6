using HubSpotPmoSync.Emulator.Model;
using HubSpotPmoSync.Emulator.Runtime;

namespace HubSpotPmoSync.Emulator.Api;

/// <summary>
/// <c>POST /crm/v3/objects/{type}/merge</c> and <c>POST /crm/objects/{v}/{type}/merge</c> with
/// <c>{primaryObjectId, objectIdToMerge}</c>: 200 with the survivor (<see cref="CrmStore.Merge"/>).
/// </summary>
internal sealed class MergeApi(EmulatorRuntime rt)
{
    private CrmStore Store => rt.Store;

    public Reply Merge(ApiRequest req)
    {
        var body = req.JsonObject;
        var primaryId = JsonIn.String(body, "primaryObjectId", required: true)!;
        var mergedId = JsonIn.String(body, "objectIdToMerge", required: true)!;
        return Store.Write(() =>
        {
            var t = Store.ResolveType(req.RouteValue("objectType"));
            if (!CrmStore.IsMergeable(t))
            {
                throw ApiException.Validation($"Records of {t.Name} cannot be merged: merge serves contacts, companies, deals, tickets and projects.");
            }

            if (primaryId == mergedId)
            {
                throw ApiException.Validation($"primaryObjectId and objectIdToMerge are both {primaryId}: a record cannot be merged into itself.");
            }

            var primary = Store.FindRecord(t, primaryId, null, archived: false) ?? throw ApiException.NotFound($"No {t.Singular} {primaryId} to merge into.");
            var merged = Store.FindRecord(t, mergedId, null, archived: false) ?? throw ApiException.NotFound($"No {t.Singular} {mergedId} to merge.");
            Store.Merge(t, primary, merged, Store.NextWriteMs());
            rt.Stats.Write("merge");
            return Reply.Json(200, w => ObjectWriter.Write(w, Store, t, RecordView.Of(primary), null));
        });
    }
}
