namespace HubSpotPmoSync.Emulator;

/// <summary>One record in a state export: exactly what the emulator holds, values as HubSpot would return them.</summary>
public sealed record ExportedRecord(
    string Id,
    bool Archived,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ArchivedAt,
    IReadOnlyDictionary<string, string?> Properties);

/// <summary>One stored direction of an association, with its type ids sorted ascending.</summary>
public sealed record ExportedAssociation(string FromType, string FromId, string ToType, string ToId, IReadOnlyList<int> TypeIds);

/// <summary>
/// The whole CRM state: records per object type (keyed <c>companies</c>, <c>deals</c>, <c>tickets</c>, <c>projects</c>,
/// <c>contacts</c>, or a custom object's type id <c>2-N</c>) and every stored association direction.
/// </summary>
public sealed record EmulatorState(
    IReadOnlyDictionary<string, IReadOnlyList<ExportedRecord>> Objects,
    IReadOnlyList<ExportedAssociation> Associations);

/// <summary>A fault the injector produced: its kind, the request, and for writes whether the write was applied.</summary>
public sealed record FaultEvent(string Kind, string Method, string Path, bool IsWrite, bool Applied);

/// <summary>Counters since the last reset.</summary>
/// <param name="Requests">Key <c>"METHOD /route/template STATUS"</c>.</param>
/// <param name="RateLimited">429s by policy name (TEN_SECONDLY_ROLLING, SECONDLY, DAILY), injected ones included.</param>
/// <param name="Faults">Injected faults by kind (429, 500, 502, 503, 504, reset, slow, truncate).</param>
/// <param name="Writes">Applied writes by operation (create, update, archive, upsert, associate, …), counted per record.</param>
/// <param name="FaultedWritesApplied">Faulted write requests whose write was applied before the fault.</param>
/// <param name="FaultedWritesNotApplied">Faulted write requests that changed nothing.</param>
/// <param name="FaultEvents">The last 10,000 injected faults in order.</param>
public sealed record EmulatorStatsSnapshot(
    IReadOnlyDictionary<string, long> Requests,
    IReadOnlyDictionary<string, long> RateLimited,
    IReadOnlyDictionary<string, long> Faults,
    IReadOnlyDictionary<string, long> Writes,
    long FaultedWritesApplied,
    long FaultedWritesNotApplied,
    IReadOnlyList<FaultEvent> FaultEvents);

/// <summary>One try of a webhook delivery: when, and the status the receiver answered or why there was none (<c>timeout</c>, <c>connection failed</c>).</summary>
public sealed record WebhookAttemptInfo(int Number, DateTimeOffset At, int? Status, string? Error);

/// <summary>One webhook delivery (a batch of at most 100 events): its state (<c>pending</c>, <c>delivered</c>, <c>failed</c>, <c>stopped</c>) and every attempt.</summary>
public sealed record WebhookDeliveryInfo(long Id, DateTimeOffset CreatedAt, int Events, string State, IReadOnlyList<WebhookAttemptInfo> Attempts, IReadOnlyList<string> SubscriptionTypes);
