namespace HubSpotPmoSync.Core.Crm;

/// <summary>A partial update of one record: only the properties given are written.</summary>
public sealed record CrmUpdate(string Id, IReadOnlyDictionary<string, string?> Properties);

/// <summary>A create-or-update keyed by the value of a unique property.</summary>
public sealed record CrmUpsert(string UniqueValue, IReadOnlyDictionary<string, string?> Properties);

/// <summary>A create; <paramref name="TraceId"/> makes a repeat detectable and errors attributable.</summary>
public sealed record CrmCreate(string TraceId, IReadOnlyDictionary<string, string?> Properties);

/// <summary>The outcome for one input of a batch write.</summary>
/// <param name="Key">The input's key: the record id (update, archive), the unique value (upsert) or the trace id (create).</param>
/// <param name="Succeeded">Whether HubSpot applied the input.</param>
/// <param name="RecordId">The record id HubSpot answered with, when it succeeded.</param>
/// <param name="Created">For upserts and creates: whether a new record was made.</param>
/// <param name="ErrorCategory">HubSpot's error category (e.g. <c>VALIDATION_ERROR</c>) when it failed, or when
/// <paramref name="RefusedProperties"/> were left out.</param>
/// <param name="ErrorMessage">HubSpot's error message when it failed, or why <paramref name="RefusedProperties"/> were
/// left out.</param>
/// <param name="RefusedProperties">When an update succeeded: properties of the input that HubSpot cannot write at all
/// (one that does not exist, or is read-only), left out so that the record's other properties were written. Null or
/// empty: every property was written. (Creates and upserts carrying one fail instead.)</param>
public sealed record CrmWriteOutcome(
    string Key,
    bool Succeeded,
    string? RecordId = null,
    bool Created = false,
    string? ErrorCategory = null,
    string? ErrorMessage = null,
    CrmRecord? Record = null,
    IReadOnlyList<string>? RefusedProperties = null);

/// <summary>Per-input outcomes of a batch write (one per input, in input order).</summary>
public sealed record CrmBatchResult(IReadOnlyList<CrmWriteOutcome> Outcomes)
{
    public IEnumerable<CrmWriteOutcome> Failures => Outcomes.Where(o => !o.Succeeded);
}

/// <summary>Result of a batch read: the records found and the ids HubSpot reported as not found.</summary>
public sealed record CrmBatchReadResult(IReadOnlyList<CrmRecord> Records, IReadOnlyList<string> MissingIds);
