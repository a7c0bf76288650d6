using System.Globalization;
using System.Net;
using System.Text.Json;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Testing.Http;

namespace HubSpotPmoSync.HubSpot.Tests;

public sealed class HubSpotClientTests
{
    private static readonly string[] DealProperties = ["dealname", "amount"];

    private static HubSpotTestHost CreateSut(Func<RecordedRequest, int, HttpResponseMessage> respond, out StubHttpMessageHandler stub, IDictionary<string, string?>? settings = null)
    {
        stub = new StubHttpMessageHandler(respond);
        return new HubSpotTestHost(stub, settings);
    }

    private static async Task<List<CrmRecord>> Collect(IAsyncEnumerable<CrmPage> pages)
    {
        var all = new List<CrmRecord>();
        await foreach (var page in pages)
        {
            all.AddRange(page.Records);
        }

        return all;
    }

    [Fact]
    public async Task ListAsync_SeveralPages_FollowsCursorToTheEnd()
    {
        using var host = CreateSut(
            (r, n) => Responses.Ok(n switch
            {
                0 => """{"results":[""" + Responses.Record("1", 1000) + "," + Responses.Record("2", 1000) + """],"paging":{"next":{"after":"3","link":"x"}}}""",
                1 => """{"results":[""" + Responses.Record("3", 1000) + """],"paging":{"next":{"after":"4"}}}""",
                _ => $$"""{"results":[{{Responses.Record("4", 1000)}}]}""",
            }),
            out var stub);

        var records = await Collect(host.Source.ListAsync("deals", DealProperties, new CrmListOptions(), CancellationToken.None));

        Assert.Equal(["1", "2", "3", "4"], records.Select(r => r.Id));
        Assert.Equal(3, stub.Count);
        Assert.Equal("/crm/objects/2026-03/deals?limit=100&archived=false&properties=dealname%2Camount", stub.Requests[0].PathAndQuery);
        Assert.EndsWith("&after=3", stub.Requests[1].PathAndQuery, StringComparison.Ordinal);
        Assert.EndsWith("&after=4", stub.Requests[2].PathAndQuery, StringComparison.Ordinal);
        Assert.All(stub.Requests, r => Assert.Equal($"Bearer {HubSpotTestHost.Token}", r.Authorization));
    }

    [Fact]
    public async Task ListAsync_ArchivedAndStartAfter_AreSent()
    {
        using var host = CreateSut((_, _) => Responses.Ok(), out var stub);

        var records = await Collect(host.Source.ListAsync("2-123", [], new CrmListOptions(Archived: true, StartAfter: "77", PageSize: 500), CancellationToken.None));

        Assert.Empty(records);
        Assert.Equal("/crm/objects/2026-03/2-123?limit=100&archived=true&after=77", stub.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task ListAsync_ServerRepeatsCursor_StopsWithError()
    {
        using var host = CreateSut((_, _) => Responses.Ok("""{"results":[],"paging":{"next":{"after":"5"}}}"""), out _);

        var error = await Assert.ThrowsAsync<CrmException>(() => Collect(host.Source.ListAsync("deals", [], new CrmListOptions(), CancellationToken.None)));

        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchReadAsync_250Ids_Makes3CallsAndReportsMissing()
    {
        using var host = CreateSut(
            (r, _) =>
            {
                using var body = JsonDocument.Parse(r.Body!);
                var ids = body.RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
                var found = ids.Where(id => id != "13" && id != "207").ToList();
                var missing = ids.Except(found).ToList();
                var results = string.Join(',', found.Select(id => Responses.Record(id, 5)));
                return missing.Count == 0
                    ? Responses.Ok($$"""{"status":"COMPLETE","results":[{{results}}]}""")
                    : Responses.Status(207, $$$"""{"status":"COMPLETE","results":[{{{results}}}],"numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"Could not get some DEAL objects","context":{"ids":[{{{string.Join(',', missing.Select(m => $"\"{m}\""))}}}]}}]}""");
            },
            out var stub);
        var ids = Enumerable.Range(1, 250).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

        var result = await host.Source.BatchReadAsync("deals", ids, DealProperties, CancellationToken.None);

        Assert.Equal(3, stub.Count);
        Assert.Equal([100, 100, 50], stub.Requests.Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").GetArrayLength()).Order().Reverse());
        Assert.Equal(248, result.Records.Count);
        Assert.Equal(["13", "207"], result.MissingIds);
        Assert.Equal(ids.Except(["13", "207"]), result.Records.Select(r => r.Id));
    }

    [Fact]
    public async Task SearchModifiedAsync_25kRecordsWith12kInOneMillisecond_ReturnsEachExactlyOnce()
    {
        const long hot = 1_700_000_500_000;
        var records = new List<(long Id, long Ms)>();
        for (var i = 0; i < 25_000; i++)
        {
            var ms = i is >= 6_000 and < 18_000 ? hot : 1_700_000_000_000 + (i * 37L);
            records.Add((500_000_000_000 + (i * 13L), ms));
        }

        var index = new FakeSearchIndex(records);
        using var host = CreateSut((r, _) => index.Answer(r), out var stub);

        var found = await Collect(host.Source.SearchModifiedAsync(
            "deals", new CrmModifiedWindow(DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_000)), DealProperties, CancellationToken.None));

        Assert.Equal(25_000, found.Count);
        Assert.Equal(25_000, found.Select(r => r.Id).Distinct().Count());
        Assert.All(stub.Requests, r => Assert.Equal(HttpMethod.Post, r.Method));
        Assert.Contains(host.Logs.Records, l => l.EventId.Id == 4010);
        var modified = found.Select(r => r.UpdatedAt).ToList();
        Assert.Equal(modified.Order(), modified);
    }

    [Fact]
    public async Task SearchModifiedAsync_Window_SendsBoundsSortAndProperties()
    {
        var index = new FakeSearchIndex([(1, 2_000), (2, 3_000), (3, 4_000), (4, 5_000)]);
        using var host = CreateSut((r, _) => index.Answer(r), out var stub);

        var found = await Collect(host.Source.SearchModifiedAsync(
            "deals", new CrmModifiedWindow(DateTimeOffset.FromUnixTimeMilliseconds(3_000), DateTimeOffset.FromUnixTimeMilliseconds(4_000)), DealProperties, CancellationToken.None));

        Assert.Equal(["2", "3"], found.Select(r => r.Id));
        var body = JsonDocument.Parse(stub.Requests.Single().Body!).RootElement;
        Assert.Equal(200, body.GetProperty("limit").GetInt32());
        Assert.Equal("hs_lastmodifieddate", body.GetProperty("sorts")[0].GetProperty("propertyName").GetString());
        Assert.Equal("ASCENDING", body.GetProperty("sorts")[0].GetProperty("direction").GetString());
        var filters = body.GetProperty("filterGroups")[0].GetProperty("filters").EnumerateArray()
            .Select(f => $"{f.GetProperty("propertyName").GetString()} {f.GetProperty("operator").GetString()} {f.GetProperty("value").GetString()}");
        Assert.Equal(["hs_lastmodifieddate GTE 3000", "hs_lastmodifieddate LTE 4000"], filters);
        Assert.Equal(["dealname", "amount", "hs_lastmodifieddate", "hs_object_id"], body.GetProperty("properties").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task SearchModifiedAsync_Contacts_UseLastModifiedDate()
    {
        using var host = CreateSut((_, _) => Responses.Ok("""{"total":0,"results":[]}"""), out var stub);

        await Collect(host.Source.SearchModifiedAsync("contacts", new CrmModifiedWindow(DateTimeOffset.UnixEpoch), [], CancellationToken.None));

        Assert.Contains("\"propertyName\":\"lastmodifieddate\"", stub.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAssociationsAsync_InputWithMoreLinks_FollowsPerInputPaging()
    {
        using var host = CreateSut(
            (r, n) => Responses.Ok(n == 0
                ? """{"status":"COMPLETE","results":[{"from":{"id":"1"},"to":[{"toObjectId":501,"associationTypes":[{"category":"HUBSPOT_DEFINED","typeId":5,"label":"Primary"},{"category":"HUBSPOT_DEFINED","typeId":341,"label":null}]}],"paging":{"next":{"after":"abc"}}},{"from":{"id":"2"},"to":[{"toObjectId":"502","associationTypes":[{"category":"USER_DEFINED","typeId":28,"label":"Billing"}]}]}]}"""
                : """{"status":"COMPLETE","results":[{"from":{"id":"1"},"to":[{"toObjectId":503,"associationTypes":[{"category":"HUBSPOT_DEFINED","typeId":341}]}]}]}"""),
            out var stub);

        var links = await host.Source.ReadAssociationsAsync("deals", "companies", ["1", "2", "1"], CancellationToken.None);

        Assert.Equal(2, stub.Count);
        Assert.Equal("/crm/associations/2026-03/deals/companies/batch/read", stub.Requests[0].PathAndQuery);
        Assert.Equal("""{"inputs":[{"id":"1","after":"abc"}]}""", stub.Requests[1].Body);
        Assert.Equal(["1→501", "2→502", "1→503"], links.Select(l => $"{l.FromId}→{l.ToId}"));
        Assert.Equal([new AssociationKind("HUBSPOT_DEFINED", 5, "Primary"), new AssociationKind("HUBSPOT_DEFINED", 341, null)], links[0].Kinds);
        Assert.Equal("Billing", links[1].Kinds.Single().Label);
    }

    [Fact]
    public async Task ReadAssociationsAsync_1500Inputs_SplitsIntoBatchesOf1000()
    {
        using var host = CreateSut((_, _) => Responses.Ok("""{"status":"COMPLETE","results":[]}"""), out var stub);

        await host.Source.ReadAssociationsAsync("deals", "companies", Enumerable.Range(1, 1500).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(), CancellationToken.None);

        Assert.Equal([1000, 500], stub.Requests.Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").GetArrayLength()).Order().Reverse());
    }

    [Fact]
    public async Task ReadAssociationsAsync_UnexpectedError_Throws()
    {
        using var host = CreateSut(
            (_, _) => Responses.Status(207, """{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"VALIDATION_ERROR","message":"bad"}]}"""), out _);

        var error = await Assert.ThrowsAsync<CrmException>(() => host.Source.ReadAssociationsAsync("deals", "companies", ["1"], CancellationToken.None));

        Assert.Equal("VALIDATION_ERROR", error.Category);
    }

    [Fact]
    public async Task BatchUpdateAsync_207PartialErrors_GivesOneOutcomePerInputInOrder()
    {
        using var host = CreateSut(
            (_, _) => Responses.Status(207, $$$"""{"status":"COMPLETE","results":[{{{Responses.Record("3", 9)}}},{{{Responses.Record("1", 9)}}}],"numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"Could not get some DEAL objects","context":{"ids":["2"]}}]}"""),
            out var stub);
        CrmUpdate[] updates =
        [
            new("1", new Dictionary<string, string?> { ["amount"] = "10" }),
            new("2", new Dictionary<string, string?> { ["amount"] = "20" }),
            new("3", new Dictionary<string, string?> { ["amount"] = null }),
            new("1", new Dictionary<string, string?> { ["dealname"] = "x" }),
        ];

        var result = await host.Writer.BatchUpdateAsync("deals", updates, CancellationToken.None);

        Assert.Equal(["1", "2", "3", "1"], result.Outcomes.Select(o => o.Key));
        Assert.Equal([true, false, true, true], result.Outcomes.Select(o => o.Succeeded));
        Assert.Equal("OBJECT_NOT_FOUND", result.Outcomes[1].ErrorCategory);
        Assert.Equal("3", result.Outcomes[2].RecordId);
        var body = stub.Requests.Single().Body!;
        Assert.Equal("""{"inputs":[{"id":"1","properties":{"amount":"10","dealname":"x"}},{"id":"2","properties":{"amount":"20"}},{"id":"3","properties":{"amount":""}}]}""", body);
        Assert.Contains(host.Logs.Records, l => l.EventId.Id == 4011);
    }

    [Fact]
    public async Task BatchUpdateAsync_WholeBatchRejected_EveryInputFailsWithReason()
    {
        using var host = CreateSut(
            (_, _) => Responses.Status(400, """{"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid"}"""), out _);

        var result = await host.Writer.BatchUpdateAsync("deals", [new("1", new Dictionary<string, string?> { ["x"] = "y" })], CancellationToken.None);

        var outcome = Assert.Single(result.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Equal("VALIDATION_ERROR", outcome.ErrorCategory);
        Assert.Equal("Property values were not valid", outcome.ErrorMessage);
    }

    [Fact]
    public async Task BatchUpdateAsync_230Updates_Makes3Calls()
    {
        using var host = CreateSut(
            (r, _) =>
            {
                var ids = JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("id").GetString()!);
                return Responses.Ok($$"""{"status":"COMPLETE","results":[{{string.Join(',', ids.Select(id => Responses.Record(id, 1)))}}]}""");
            },
            out var stub);

        var result = await host.Writer.BatchUpdateAsync(
            "deals", Enumerable.Range(1, 230).Select(i => new CrmUpdate(i.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string?>())).ToList(), CancellationToken.None);

        Assert.Equal(3, stub.Count);
        Assert.All(result.Outcomes, o => Assert.True(o.Succeeded));
    }

    [Fact]
    public async Task BatchUpdateAsync_OneInvalidInputRefusesTheBatch_OnlyThatInputFailsAndTheRestIsWritten()
    {
        // HubSpot answers 400 for a whole batch when one input is invalid; the client halves it until the bad input is alone.
        using var host = CreateSut(
            (r, _) =>
            {
                var ids = JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
                return ids.Contains("37")
                    ? Responses.Status(400, """{"status":"error","category":"VALIDATION_ERROR","message":"x was not one of the allowed options"}""")
                    : Responses.Ok($$"""{"status":"COMPLETE","results":[{{string.Join(',', ids.Select(id => Responses.Record(id, 1)))}}]}""");
            },
            out var stub);

        var result = await host.Writer.BatchUpdateAsync(
            "deals", Enumerable.Range(1, 100).Select(i => new CrmUpdate(i.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string?>())).ToList(), CancellationToken.None);

        var failed = Assert.Single(result.Outcomes, o => !o.Succeeded);
        Assert.Equal("37", failed.Key);
        Assert.Equal("x was not one of the allowed options", failed.ErrorMessage);
        Assert.Equal(99, result.Outcomes.Count(o => o.Succeeded));
        Assert.True(stub.Count <= 1 + (2 * 7), $"{stub.Count} calls");
    }

    /// <summary>
    /// A property HubSpot cannot write at all (here: deleted from the portal) refuses every batch that carries it, with
    /// the property named in the answer. It is left out of the inputs and the batch goes again at once: their other
    /// properties are written and their outcomes name the property left out; an input with nothing else fails. Two
    /// calls, where halving needed up to 2n - 1 (199 for 100 inputs) and failed each input whole.
    /// </summary>
    [Theory]
    [InlineData(40)]
    [InlineData(100)]
    public async Task BatchUpdateAsync_PropertyThatDoesNotExist_LeftOutOfTheInputsCarryingIt_TheRestWrittenInOneMoreCall(int carrying)
    {
        using var host = CreateSut(
            (r, _) =>
            {
                var inputs = JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").EnumerateArray().ToList();
                return inputs.Any(i => i.GetProperty("properties").TryGetProperty("gone", out var ignored))
                    ? Responses.Status(400, """
                        {"status":"error","message":"Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"gone\\\" does not exist\"}]","category":"VALIDATION_ERROR",
                         "errors":[{"message":"Property \"gone\" does not exist","code":"PROPERTY_DOESNT_EXIST","context":{"propertyName":["gone"]}}]}
                        """)
                    : Responses.Ok($$"""{"status":"COMPLETE","results":[{{string.Join(',', inputs.Select(i => Responses.Record(i.GetProperty("id").GetString()!, 1)))}}]}""");
            },
            out var stub);

        // Inputs 1-5 hold only the deleted property; 6..carrying hold it and dealname; the rest dealname only.
        var updates = Enumerable.Range(1, 100).Select(i => new CrmUpdate(
            i.ToString(CultureInfo.InvariantCulture),
            i <= 5 ? new Dictionary<string, string?> { ["gone"] = "x" }
            : i <= carrying ? new Dictionary<string, string?> { ["gone"] = "x", ["dealname"] = "d" }
            : new Dictionary<string, string?> { ["dealname"] = "d" })).ToList();
        var result = await host.Writer.BatchUpdateAsync("deals", updates, CancellationToken.None);

        Assert.Equal(2, stub.Count);
        Assert.DoesNotContain("\"gone\"", stub.Requests[1].Body, StringComparison.Ordinal);
        Assert.Equal(95, JsonDocument.Parse(stub.Requests[1].Body!).RootElement.GetProperty("inputs").GetArrayLength());
        Assert.Equal(["1", "2", "3", "4", "5"], result.Outcomes.Where(o => !o.Succeeded).Select(o => o.Key));
        Assert.All(result.Outcomes.Take(5), o => Assert.Equal(("VALIDATION_ERROR", "Property \"gone\" does not exist"), (o.ErrorCategory, o.ErrorMessage)));
        var partly = result.Outcomes.Skip(5).Take(carrying - 5).ToList();
        Assert.All(partly, o => Assert.True(o.Succeeded && o.RefusedProperties is ["gone"] && o.ErrorMessage == "Property \"gone\" does not exist", o.ToString()));
        Assert.All(result.Outcomes.Skip(carrying), o => Assert.True(o.Succeeded && o.RefusedProperties is null, o.ToString()));
    }

    /// <summary>
    /// An upsert may create: a record made without a value it was meant to have is worse than none, so an upsert
    /// carrying a property HubSpot cannot write fails at once with the reason (no halving), and the rest is written.
    /// </summary>
    [Fact]
    public async Task BatchUpsertAsync_PropertyThatDoesNotExist_InputsCarryingItFailAtOnce_TheRestInOneMoreCall()
    {
        using var host = CreateSut(
            (r, _) =>
            {
                var inputs = JsonDocument.Parse(r.Body!).RootElement.GetProperty("inputs").EnumerateArray().ToList();
                return inputs.Any(i => i.GetProperty("properties").TryGetProperty("gone", out var ignored))
                    ? Responses.Status(400, """{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR","errors":[{"message":"Property \"gone\" does not exist","code":"PROPERTY_DOESNT_EXIST","context":{"propertyName":["gone"]}}]}""")
                    : Responses.Ok($$"""{"status":"COMPLETE","results":[{{string.Join(',', inputs.Select(i => Responses.Record("9" + i.GetProperty("id").GetString()!, 1, $"\"code\":\"{i.GetProperty("id").GetString()}\"")))}}]}""");
            },
            out var stub);

        var upserts = Enumerable.Range(1, 10).Select(i => new CrmUpsert(
            "P" + i.ToString(CultureInfo.InvariantCulture),
            i <= 4 ? new Dictionary<string, string?> { ["gone"] = "x", ["name"] = "n" } : new Dictionary<string, string?> { ["name"] = "n" })).ToList();
        var result = await host.Writer.BatchUpsertAsync("projects", "code", upserts, CancellationToken.None);

        Assert.Equal(2, stub.Count);
        Assert.Equal(["P1", "P2", "P3", "P4"], result.Outcomes.Where(o => !o.Succeeded).Select(o => o.Key));
        Assert.All(result.Outcomes.Take(4), o => Assert.Equal("Property \"gone\" does not exist", o.ErrorMessage));
        Assert.All(result.Outcomes.Skip(4), o => Assert.True(o.Succeeded && o.RefusedProperties is null, o.ToString()));
    }

    [Fact]
    public async Task BatchCreateAsync_ErrorsMatchedByTraceIdAndResultsByOrder()
    {
        using var host = CreateSut(
            (_, _) => Responses.Status(207, $$$"""{"status":"COMPLETE","results":[{{{Responses.Record("901", 1)}}},{{{Responses.Record("903", 1)}}}],"numErrors":1,"errors":[{"status":"error","category":"VALIDATION_ERROR","message":"dealstage invalid","context":{"objectWriteTraceId":["t2"]}}]}"""),
            out var stub);

        var result = await host.Writer.BatchCreateAsync(
            "deals",
            [new("t1", new Dictionary<string, string?> { ["dealname"] = "a" }), new("t2", new Dictionary<string, string?>()), new("t3", new Dictionary<string, string?>())],
            CancellationToken.None);

        Assert.Equal(["t1:901", "t2:", "t3:903"], result.Outcomes.Select(o => $"{o.Key}:{o.RecordId}"));
        Assert.Equal("dealstage invalid", result.Outcomes[1].ErrorMessage);
        Assert.Contains("\"objectWriteTraceId\":\"t1\"", stub.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchCreateAsync_DuplicateTraceIds_AreRefusedBeforeAnyCall()
    {
        using var host = CreateSut((_, _) => Responses.Ok(), out var stub);

        await Assert.ThrowsAsync<ArgumentException>(() => host.Writer.BatchCreateAsync(
            "deals", [new("t", new Dictionary<string, string?>()), new("t", new Dictionary<string, string?>())], CancellationToken.None));

        Assert.Equal(0, stub.Count);
    }

    [Fact]
    public async Task BatchUpsertAsync_ResultsMatchedByUniqueValue()
    {
        using var host = CreateSut(
            (_, _) => Responses.Ok($$"""{"status":"COMPLETE","results":[{{Responses.Record("8", 1, "\"project_code\":\"P-2\"").Replace("\"archived\":false", "\"archived\":false,\"new\":true", StringComparison.Ordinal)}},{{Responses.Record("7", 1, "\"project_code\":\"P-1\"")}}]}"""),
            out var stub);

        var result = await host.Writer.BatchUpsertAsync(
            "projects", "project_code", [new("P-1", new Dictionary<string, string?> { ["hs_name"] = "one" }), new("P-2", new Dictionary<string, string?>())], CancellationToken.None);

        Assert.Equal(["P-1:7:False", "P-2:8:True"], result.Outcomes.Select(o => $"{o.Key}:{o.RecordId}:{o.Created}"));
        Assert.Contains("""{"id":"P-1","idProperty":"project_code","properties":{"hs_name":"one"}}""", stub.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchArchiveAsync_NoContent_AllSucceed()
    {
        using var host = CreateSut((_, _) => StubHttpMessageHandler.Status(HttpStatusCode.NoContent), out var stub);

        var result = await host.Writer.BatchArchiveAsync("deals", ["1", "2"], CancellationToken.None);

        Assert.All(result.Outcomes, o => Assert.True(o.Succeeded));
        Assert.Equal("""{"inputs":[{"id":"1"},{"id":"2"}]}""", stub.Requests.Single().Body);
    }

    [Fact]
    public async Task CreateAssociationsAsync_DefaultAndLabelled_UseTheirEndpoints()
    {
        using var host = CreateSut((_, _) => Responses.Ok("""{"status":"COMPLETE","results":[]}"""), out var stub);

        await host.Writer.CreateAssociationsAsync(
            "projects",
            "deals",
            [new("1", "10"), new("2", "20", [new AssociationKind("USER_DEFINED", 36, "Delivery")]), new("2", "20", [new AssociationKind("HUBSPOT_DEFINED", 1238, null)])],
            CancellationToken.None);

        Assert.Equal(
            ["/crm/associations/2026-03/projects/deals/batch/associate/default", "/crm/associations/2026-03/projects/deals/batch/create"],
            stub.Requests.Select(r => r.PathAndQuery));
        Assert.Equal("""{"inputs":[{"from":{"id":"1"},"to":{"id":"10"}}]}""", stub.Requests[0].Body);
        Assert.Equal(
            """{"inputs":[{"from":{"id":"2"},"to":{"id":"20"},"types":[{"associationCategory":"USER_DEFINED","associationTypeId":36},{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":1238}]}]}""",
            stub.Requests[1].Body);
    }

    [Fact]
    public async Task CreateAssociationsAsync_PartialErrors_Throw()
    {
        using var host = CreateSut(
            (_, _) => Responses.Status(207, """{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"no deal 10"}]}"""), out _);

        var error = await Assert.ThrowsAsync<CrmException>(() => host.Writer.CreateAssociationsAsync("projects", "deals", [new("1", "10")], CancellationToken.None));

        Assert.Contains("no deal 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchiveAssociationsAsync_GroupsPairsByFromRecord()
    {
        using var host = CreateSut((_, _) => StubHttpMessageHandler.Status(HttpStatusCode.NoContent), out var stub);

        await host.Writer.ArchiveAssociationsAsync("deals", "companies", [("1", "10"), ("1", "11"), ("2", "10")], CancellationToken.None);

        Assert.Equal("""{"inputs":[{"from":{"id":"1"},"to":[{"id":"10"},{"id":"11"}]},{"from":{"id":"2"},"to":[{"id":"10"}]}]}""", stub.Requests.Single().Body);
    }

    [Fact]
    public async Task GetPipelinesAsync_MapsStagesClosedAndProbability()
    {
        using var host = CreateSut(
            (_, _) => Responses.Ok("""{"results":[{"id":"default","label":"Sales","displayOrder":0,"stages":[{"id":"closedwon","label":"Won","displayOrder":6,"metadata":{"isClosed":"true","probability":"1.0"}},{"id":"appointmentscheduled","label":"Appt","displayOrder":0,"metadata":{"isClosed":"false","probability":0.2}}]}]}"""),
            out var stub);

        var pipeline = Assert.Single(await host.Source.GetPipelinesAsync("deals", CancellationToken.None));

        Assert.Equal("/crm/pipelines/2026-03/deals", stub.Requests.Single().PathAndQuery);
        Assert.Equal(["appointmentscheduled", "closedwon"], pipeline.Stages.Select(s => s.Id));
        Assert.Equal(new CrmPipelineStage("closedwon", "Won", 6, true, 1.0m), pipeline.Stages[1]);
        Assert.Equal(0.2m, pipeline.Stages[0].Probability);
    }

    [Fact]
    public async Task GetPropertiesAsync_MapsDefinitions()
    {
        using var host = CreateSut(
            (_, _) => Responses.Ok("""{"results":[{"name":"project_code","label":"Code","type":"string","fieldType":"text","groupName":"pmo","hasUniqueValue":true,"calculated":false,"hubspotDefined":false,"options":[],"modificationMetadata":{"readOnlyValue":false}},{"name":"hs_object_id","label":"Id","type":"number","fieldType":"number","groupName":"x","hubspotDefined":true,"modificationMetadata":{"readOnlyValue":true},"options":[]}]}"""),
            out _);

        var properties = await host.Source.GetPropertiesAsync("projects", CancellationToken.None);

        Assert.True(properties[0].HasUniqueValue);
        Assert.True(properties[1].ReadOnlyValue);
        Assert.True(properties[1].HubSpotDefined);
    }

    [Fact]
    public async Task GetArchivedPropertiesAsync_AsksForArchivedOnes()
    {
        using var host = CreateSut(
            (_, _) => Responses.Ok("""{"results":[{"name":"health_status","label":"Health","type":"enumeration","fieldType":"select","groupName":"pmo","archived":true,"archivedAt":"2026-11-20T10:00:00Z","options":[{"label":"Green","value":"green","displayOrder":0,"hidden":false}],"modificationMetadata":{"readOnlyValue":false}}]}"""),
            out var stub);

        var archived = await host.Source.GetArchivedPropertiesAsync("2-123", CancellationToken.None);

        Assert.Equal("health_status", Assert.Single(archived).Name);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("/crm/properties/2026-03/2-123?archived=true", request.PathAndQuery);
    }

    [Fact]
    public async Task CreateSchemaAsync_ReturnsObjectTypeIdAndName()
    {
        using var host = CreateSut(
            (_, _) => Responses.Status(201, """{"id":"3465404","objectTypeId":"2-3465404","fullyQualifiedName":"p1234_projects","name":"projects","labels":{"singular":"Project","plural":"Projects"},"primaryDisplayProperty":"project_name","requiredProperties":["project_name"],"properties":[],"associations":[{"id":"1","fromObjectTypeId":"2-3465404","toObjectTypeId":"0-3"}]}"""),
            out var stub);

        var created = await host.Writer.CreateSchemaAsync(
            new CrmObjectSchema("projects", "Project", "Projects", "project_name", ["project_name"], [new CrmPropertyDefinition("project_name", "Name", "string", "text", "g")], ["0-3"]),
            CancellationToken.None);

        Assert.Equal("2-3465404", created.ObjectTypeId);
        Assert.Equal("p1234_projects", created.FullyQualifiedName);
        Assert.Equal(["0-3"], created.AssociatedObjects);
        Assert.Equal("/crm-object-schemas/2026-03/schemas", stub.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task Calls_AreCountedByRouteTemplateAndOutcome()
    {
        using var host = CreateSut((_, n) => n == 0 ? Responses.Status(500) : Responses.Ok(), out _, new Dictionary<string, string?> { ["HubSpot:RetryBaseDelay"] = "00:00:00" });

        await host.Source.GetPropertiesAsync("deals", CancellationToken.None);
        await host.Source.GetPropertiesAsync("companies", CancellationToken.None);

        var usage = host.Usage.Snapshot();
        Assert.Equal(3, usage.TotalCalls);
        Assert.Equal(new Dictionary<string, long> { ["500"] = 1, ["200"] = 2 }, usage.Calls["GET /crm/properties/2026-03/{objectType}"]);
        Assert.Equal(0, usage.WriteCalls);
    }
}
