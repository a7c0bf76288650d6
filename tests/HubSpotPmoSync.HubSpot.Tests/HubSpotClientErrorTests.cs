using System.Globalization;
using System.Net;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests;

/// <summary>
/// The answers of HubSpot in December 2026 the client must tell apart: a 403 MISSING_SCOPES, the 2026-09 write-validation
/// 400, and the dated family's 200 BatchResponseVoid where v4 answered 204.
/// </summary>
public sealed class HubSpotClientErrorTests
{
    private const string MissingScopes = """
        {"status":"error","message":"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
         "correlationId":"5c1f7d0a-6a0e-4a53-9c1b-3f3c1f2d9e11","category":"MISSING_SCOPES",
         "errors":[{"message":"One or more of the following scopes are required.","context":{"requiredGranularScopes":["crm.objects.deals.write"]}}],
         "links":{"scopes":"https://developers.hubspot.com/scopes"}}
        """;

    [Fact]
    public async Task BatchUpdateAsync_403MissingScopes_ThrowsMissingScopesNamingScopeAndCallNeverRetried()
    {
        var stub = new StubHttpMessageHandler((_, _) => Responses.Status(403, MissingScopes));
        using var host = new HubSpotTestHost(stub);

        var error = await Assert.ThrowsAsync<CrmMissingScopesException>(() =>
            host.Writer.BatchUpdateAsync("deals", [new CrmUpdate("1", new Dictionary<string, string?> { ["amount"] = "1" })], CancellationToken.None));

        Assert.Equal(["crm.objects.deals.write"], error.RequiredScopes);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal("MISSING_SCOPES", error.Category);
        Assert.Contains("crm.objects.deals.write", error.Message, StringComparison.Ordinal);
        Assert.Contains("POST /crm/objects/2026-03/{objectType}/batch/update", error.Message, StringComparison.Ordinal);
        Assert.Contains("HubSpot:AccessToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(HubSpotTestHost.Token, error.ToString(), StringComparison.Ordinal);
        Assert.IsAssignableFrom<CrmAuthenticationException>(error);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task ListAsync_403MissingScopesInTopLevelContext_CarriesThoseScopes()
    {
        var stub = new StubHttpMessageHandler((_, _) => Responses.Status(
            403,
            """{"status":"error","message":"missing scopes","category":"MISSING_SCOPES","context":{"requiredGranularScopes":["crm.objects.custom.read","crm.schemas.custom.read"]}}"""));
        using var host = new HubSpotTestHost(stub);

        var error = await Assert.ThrowsAsync<CrmMissingScopesException>(async () =>
        {
            await foreach (var unused in host.Source.ListAsync("2-123", [], new CrmListOptions(), CancellationToken.None))
            {
            }
        });

        Assert.Equal(["crm.objects.custom.read", "crm.schemas.custom.read"], error.RequiredScopes);
        Assert.Contains("crm.objects.custom.read, crm.schemas.custom.read", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task GetPropertiesAsync_403OtherCategory_StaysAnAuthenticationErrorNotMissingScopes()
    {
        using var host = new HubSpotTestHost(new StubHttpMessageHandler((_, _) => Responses.Status(403, """{"status":"error","message":"portal locked","category":"FORBIDDEN"}""")));

        var error = await Assert.ThrowsAsync<CrmAuthenticationException>(() => host.Source.GetPropertiesAsync("deals", CancellationToken.None));

        Assert.IsNotType<CrmMissingScopesException>(error);
        Assert.Equal(403, error.StatusCode);
    }

    /// <summary>
    /// HubSpot 2026-09 validates API writes like the UI: a conditionally required property missing on one record refuses
    /// the batch with 400 VALIDATION_ERROR. The batch is narrowed to that record, which fails with HubSpot's message (the
    /// rule below the generic top line); the others are written; nothing is sent twice (a 400 is never retried).
    /// </summary>
    [Fact]
    public async Task BatchUpsertAsync_202609WriteValidation400_RecordFailsWithHubSpotsMessage_OthersWritten_NothingRetried()
    {
        var stub = new StubHttpMessageHandler((r, _) =>
        {
            var inputs = JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").EnumerateArray().ToList();
            var codes = inputs.Select(i => i.GetProperty("id").GetString()!).ToList();
            return codes.Contains("P3")
                ? Responses.Status(400, """
                    {"status":"error","message":"Property values were not valid","correlationId":"0b6e0b5e-9b1e-4f25-a3a2-2ad0a1c5e0a7","category":"VALIDATION_ERROR",
                     "errors":[{"message":"hs_target_due_date is required when hs_pipeline_stage is 'In progress'","code":"REQUIRED_PROPERTY","context":{"propertyName":["hs_target_due_date"]}}]}
                    """)
                : Responses.Ok($$"""{"status":"COMPLETE","results":[{{string.Join(',', codes.Select(c => Responses.Record("90" + c[1..], 1, $"\"project_code\":\"{c}\"")))}}]}""");
        });
        using var host = new HubSpotTestHost(stub);
        var upserts = Enumerable.Range(1, 4)
            .Select(i => new CrmUpsert("P" + i.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string?> { ["hs_name"] = "n", ["hs_pipeline_stage"] = "In progress" }))
            .ToList();

        var result = await host.Writer.BatchUpsertAsync("projects", "project_code", upserts, CancellationToken.None);

        var failed = Assert.Single(result.Outcomes, o => !o.Succeeded);
        Assert.Equal("P3", failed.Key);
        Assert.Equal("VALIDATION_ERROR", failed.ErrorCategory);
        Assert.Equal("Property values were not valid: hs_target_due_date is required when hs_pipeline_stage is 'In progress'", failed.ErrorMessage);
        Assert.Equal(["P1", "P2", "P4"], result.Outcomes.Where(o => o.Succeeded).Select(o => o.Key));
        var bodies = stub.Requests.Select(r => r.Body).ToList();
        Assert.Equal(bodies.Count, bodies.Distinct().Count());
        Assert.Equal(5, stub.Count);
    }

    [Theory]
    [InlineData(204, "")]
    [InlineData(200, """{"status":"COMPLETE","results":[],"startedAt":"2026-12-07T10:00:00.000Z","completedAt":"2026-12-07T10:00:00.120Z"}""")]
    public async Task ArchiveAssociationsAsync_V4NoContentOrDatedBatchResponseVoid_BothSucceed(int status, string body)
    {
        var stub = new StubHttpMessageHandler((_, _) => status == 204 ? StubHttpMessageHandler.Status(HttpStatusCode.NoContent) : Responses.Status(status, body));
        using var host = new HubSpotTestHost(stub, new Dictionary<string, string?> { ["HubSpot:ApiVersion"] = status == 204 ? "legacy" : "2026-03" });

        await host.Writer.ArchiveAssociationsAsync("deals", "companies", [("1", "10")], CancellationToken.None);

        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task ArchiveAssociationsAsync_BatchResponseVoidWithErrors_Throws()
    {
        using var host = new HubSpotTestHost(new StubHttpMessageHandler((_, _) => Responses.Ok(
            """{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"no deal 1"}]}""")));

        var error = await Assert.ThrowsAsync<CrmException>(() => host.Writer.ArchiveAssociationsAsync("deals", "companies", [("1", "10")], CancellationToken.None));

        Assert.Contains("no deal 1", error.Message, StringComparison.Ordinal);
    }
}
