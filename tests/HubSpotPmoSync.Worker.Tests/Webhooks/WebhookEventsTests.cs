using System.Text;
using HubSpotPmoSync.Worker.Webhooks;

namespace HubSpotPmoSync.Worker.Tests.Webhooks;

/// <summary>Parsing HubSpot's deliveries: known types, dedupe keys, the records an event names, and what is refused.</summary>
public sealed class WebhookEventsTests
{
    private const string Sample = "{\"objectId\":697680835,\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\",\"changeSource\":\"AUTOMATION_PLATFORM\",\"eventId\":1228532628,\"subscriptionId\":92894,\"portalId\":5799819,\"appId\":186886,\"occurredAt\":1556105815815,\"subscriptionType\":\"deal.propertyChange\",\"attemptNumber\":3}";

    [Fact]
    public void Parse_RealSample_OneDealEvent()
    {
        var events = WebhookEvents.Parse(Body("[" + Sample + "]"), out var ignored);

        var e = Assert.Single(events);
        Assert.Equal(0, ignored);
        Assert.Equal(("deal.propertyChange", "deals", "697680835"), (e.SubscriptionType, e.ObjectType, e.ObjectId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1556105815815), e.OccurredAt);
    }

    [Fact]
    public void Parse_ResentWithAnotherAttemptNumber_SameDedupeKey_OtherChangeOtherKey()
    {
        var first = WebhookEvents.Parse(Body("[" + Sample + "]"), out _).Single();
        var resent = WebhookEvents.Parse(Body("[" + Sample.Replace("\"attemptNumber\":3", "\"attemptNumber\":4", StringComparison.Ordinal) + "]"), out _).Single();
        var sameEventIdOtherValue = WebhookEvents.Parse(Body("[" + Sample.Replace("closedwon", "closedlost", StringComparison.Ordinal) + "]"), out _).Single();
        var sameEventIdOtherTime = WebhookEvents.Parse(Body("[" + Sample.Replace("1556105815815", "1556105815816", StringComparison.Ordinal) + "]"), out _).Single();

        Assert.Equal(first.DedupeKey, resent.DedupeKey);
        Assert.NotEqual(first.DedupeKey, sameEventIdOtherValue.DedupeKey);
        Assert.NotEqual(first.DedupeKey, sameEventIdOtherTime.DedupeKey);
    }

    [Fact]
    public void Parse_GenericAndUnknownTypes_GenericKeptWithItsTypeId_UnknownCounted()
    {
        var body = "[{\"subscriptionType\":\"object.creation\",\"objectTypeId\":\"0-970\",\"objectId\":5,\"occurredAt\":1,\"eventId\":1},"
            + "{\"subscriptionType\":\"conversation.creation\",\"objectId\":6,\"occurredAt\":1},"
            + "{\"subscriptionType\":\"deal.somethingNew\",\"objectId\":7,\"occurredAt\":1}]";

        var events = WebhookEvents.Parse(Body(body), out var ignored);

        Assert.Equal(("object.creation", "0-970", "5"), (events.Single().SubscriptionType, events.Single().ObjectType, events.Single().ObjectId));
        Assert.Equal(2, ignored);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"subscriptionType\":\"deal.creation\"}")]
    [InlineData("[1]")]
    [InlineData("[{\"objectId\":1,\"occurredAt\":1}]")]
    [InlineData("[{\"subscriptionType\":\"deal.creation\",\"occurredAt\":1}]")]
    [InlineData("[{\"subscriptionType\":\"object.creation\",\"objectId\":1,\"occurredAt\":1}]")]
    [InlineData("[] []")]
    public void Parse_Malformed_Throws(string body) =>
        Assert.Throws<WebhookPayloadException>(() => WebhookEvents.Parse(Body(body), out _));

    [Fact]
    public void RecordsOf_MergeAndAssociationEvents_NameEveryRecord()
    {
        var merge = "{\"subscriptionType\":\"deal.merge\",\"objectId\":10,\"primaryObjectId\":10,\"mergedObjectIds\":[11,12],\"newObjectId\":10,\"occurredAt\":1}";
        var classic = "{\"subscriptionType\":\"deal.associationChange\",\"objectId\":10,\"associationType\":\"DEAL_TO_COMPANY\",\"fromObjectId\":10,\"toObjectId\":20,\"associationRemoved\":true,\"occurredAt\":1}";
        var generic = "{\"subscriptionType\":\"object.associationChange\",\"objectTypeId\":\"0-970\",\"objectId\":30,\"fromObjectTypeId\":\"0-970\",\"toObjectTypeId\":\"0-3\",\"fromObjectId\":30,\"toObjectId\":10,\"occurredAt\":1}";

        Assert.Equal([new("deals", "10"), new("deals", "11"), new("deals", "12")], WebhookEvents.RecordsOf("deal.merge", "deals", "10", merge).OrderBy(r => r.Id));
        Assert.Equal([new("deals", "10"), new("companies", "20")], WebhookEvents.RecordsOf("deal.associationChange", "deals", "10", classic));
        Assert.Equal([new("0-970", "30"), new("0-3", "10")], WebhookEvents.RecordsOf("object.associationChange", "0-970", "30", generic));
    }

    private static byte[] Body(string text) => Encoding.UTF8.GetBytes(text);
}
