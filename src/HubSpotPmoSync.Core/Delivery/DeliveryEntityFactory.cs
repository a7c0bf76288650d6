using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.Sync;

namespace HubSpotPmoSync.Core.Delivery;

/// <summary>
/// Builds the typed entities from stored records' local values. Whether a deal is closed won and a ticket open
/// comes from the pipelines' stage metadata (never from labels).
/// </summary>
public sealed class DeliveryEntityFactory
{
    private readonly Dictionary<(string Pipeline, string Stage), CrmPipelineStage> _dealStages;
    private readonly Dictionary<(string Pipeline, string Stage), CrmPipelineStage> _ticketStages;

    public DeliveryEntityFactory(IReadOnlyList<CrmPipeline> dealPipelines, IReadOnlyList<CrmPipeline> ticketPipelines)
    {
        ArgumentNullException.ThrowIfNull(dealPipelines);
        ArgumentNullException.ThrowIfNull(ticketPipelines);
        _dealStages = Index(dealPipelines);
        _ticketStages = Index(ticketPipelines);
    }

    /// <summary>Whether a deal stage is closed won: closed, with probability 1.0.</summary>
    public bool IsClosedWon(string pipeline, string stage) =>
        _dealStages.TryGetValue((pipeline, stage), out var s) && s.IsClosed && s.Probability == 1.0m;

    /// <summary>Whether a ticket stage is open; for a stage the metadata does not know, open unless the ticket has a close date.</summary>
    public bool IsOpen(string pipeline, string stage, DateTimeOffset? closedAt) =>
        _ticketStages.TryGetValue((pipeline, stage), out var s) ? !s.IsClosed : closedAt is null;

    public static Company ToCompany(StoredRecord r) =>
        new(r.Id, Text(r, "name") ?? "", Text(r, "domain"), r.Archived);

    public Deal ToDeal(StoredRecord r)
    {
        var pipeline = Text(r, "pipeline") ?? "";
        var stage = Text(r, "stage") ?? "";
        return new Deal(
            r.Id,
            Text(r, "name") ?? "",
            pipeline,
            stage,
            Decimal(r, "amount"),
            Currency(r),
            Instant(r, "close_date"),
            Text(r, "owner_id"),
            IsClosedWon(pipeline, stage),
            r.Archived);
    }

    public Ticket ToTicket(StoredRecord r)
    {
        var pipeline = Text(r, "pipeline") ?? "";
        var stage = Text(r, "stage") ?? "";
        var closedAt = Instant(r, "closed_at");
        return new Ticket(
            r.Id,
            Text(r, "subject") ?? "",
            Text(r, "priority"),
            pipeline,
            stage,
            IsOpen(pipeline, stage, closedAt),
            Instant(r, "created_at") ?? r.CreatedAt,
            closedAt,
            r.Archived);
    }

    /// <remarks>
    /// <see cref="Project.UpdatedAt"/> is <see cref="StoredRecord.LocalChangedAt"/>, not HubSpot's <c>updatedAt</c>:
    /// that one also moves when the worker itself writes health back, so staleness fed from it would reset with every
    /// push (a feedback loop). <see cref="StoredRecord.LocalChangedAt"/> moves only when the project's local values
    /// change, and those hold only inbound fields (what a person edits in HubSpot: status, percent complete, dates,
    /// budget...); the worker's writes are outbound fields, kept in <see cref="StoredRecord.Properties"/> and never
    /// read back into the local values, so a push cannot move it. It is null until a person's edit is seen after the
    /// first sync (first sight says nothing about when the project was last edited).
    /// </remarks>
    public static Project ToProject(StoredRecord r) =>
        new(
            r.Id,
            Text(r, "code") ?? "",
            Text(r, "name") ?? "",
            Text(r, "status") ?? "active",
            Date(r, "start_date"),
            Date(r, "due_date"),
            Decimal(r, "budget"),
            Currency(r) ?? "",
            Decimal(r, "percent_complete") ?? 0m,
            r.Archived,
            UpdatedAt: r.LocalChangedAt,
            CreatedAt: r.CreatedAt);

    private static Dictionary<(string, string), CrmPipelineStage> Index(IReadOnlyList<CrmPipeline> pipelines)
    {
        var index = new Dictionary<(string, string), CrmPipelineStage>();
        foreach (var p in pipelines)
        {
            foreach (var s in p.Stages)
            {
                index[(p.Id, s.Id)] = s;
            }
        }

        return index;
    }

    private static string? Text(StoredRecord r, string field) =>
        r.LocalValues.TryGetValue(field, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    /// <summary>
    /// The currency code without surrounding blanks, or null: a code never holds one, so " EUR" adds up with "EUR"
    /// and a value of blanks only counts as no currency (named so in rollup reasons), not as a currency " ".
    /// </summary>
    private static string? Currency(StoredRecord r) => Text(r, "currency")?.Trim() is { Length: > 0 } code ? code : null;

    private static decimal? Decimal(StoredRecord r, string field) =>
        Text(r, field) is { } v && decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static DateTimeOffset? Instant(StoredRecord r, string field) =>
        Text(r, field) is { } v && ValueTransformer.TryParseInstant(v, out var i) ? i : null;

    private static DateOnly? Date(StoredRecord r, string field) =>
        Text(r, field) is { } v && ValueTransformer.TryParseDate(v, out var d) ? d : null;
}
