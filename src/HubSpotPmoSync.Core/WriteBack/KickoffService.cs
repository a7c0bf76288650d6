using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>What a kickoff run did.</summary>
/// <param name="ProjectIdsByDeal">The project of each deal kicked off (created or found).</param>
/// <param name="Created">Projects HubSpot created.</param>
/// <param name="Matched">Projects that already existed with the code (a rerun after a crash).</param>
/// <param name="Associations">Links created (idempotent: a link that existed counts again).</param>
/// <param name="Failures">Deals whose project HubSpot refused (or whose call failed), with the reason; the next run retries them.</param>
/// <param name="LinkFailures">Association calls that failed; the projects exist and the next run links them.</param>
public sealed record KickoffReport(
    IReadOnlyDictionary<string, string> ProjectIdsByDeal,
    int Created,
    int Matched,
    IReadOnlyList<PlannedAssociation> Associations,
    IReadOnlyList<(string DealId, string Reason)> Failures,
    int WriteCalls,
    IReadOnlyList<string> LinkFailures);

/// <summary>
/// Creates the planned projects in HubSpot and links each to its deal and the deal's companies.
/// </summary>
/// <remarks>
/// Crash-safe by construction: projects are written by batch upsert on the unique <c>project_code</c>, so a rerun
/// after a kill at any point finds (rather than duplicates) a project a killed run created, and HubSpot's
/// association create is idempotent, so linking again is harmless. The audit is written after the writes; a kill in
/// between loses audit lines, never HubSpot state.
/// </remarks>
public sealed class KickoffService
{
    private readonly ICrmWriter _writer;
    private readonly IWriteBackStore? _store;
    private readonly TimeProvider _time;

    /// <param name="store">Where the audit goes; null runs without an audit (e.g. a benchmark).</param>
    public KickoffService(ICrmWriter writer, IWriteBackStore? store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(time);
        _writer = writer;
        _store = store;
        _time = time;
    }

    public async Task<KickoffReport> RunAsync(KickoffPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var projectIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var failures = new List<(string, string)>();
        var audit = new List<AuditEntry>();
        var created = 0;
        var matched = 0;
        var writeCalls = 0;

        foreach (var kickoff in plan.Projects.Where(p => p.ExistingProjectId is not null))
        {
            projectIds[kickoff.DealId] = kickoff.ExistingProjectId!;
            matched++;
            audit.Add(Audit(plan, kickoff, kickoff.ExistingProjectId!, AuditDecisions.ProjectMatched, "found in the last pull"));
        }

        // One call per 100 projects, so a call that fails for good (after the client's retries) costs only its own
        // projects; they are reported and the next run retries them (the upsert finds any HubSpot did create).
        foreach (var chunk in plan.Projects.Where(p => p.ExistingProjectId is null).Chunk(100))
        {
            CrmBatchResult result;
            try
            {
                writeCalls++;
                result = await _writer.BatchUpsertAsync(
                    plan.ProjectObjectType, plan.CodeProperty, chunk.Select(p => new CrmUpsert(p.ProjectCode, p.Properties)).ToList(), cancellationToken);
            }
            catch (CrmException ex) when (ex is not (CrmAuthenticationException or CrmQuotaExceededException))
            {
                foreach (var kickoff in chunk)
                {
                    var reason = (ex.Category ?? "CALL_FAILED") + ": " + ex.Message;
                    failures.Add((kickoff.DealId, reason));
                    audit.Add(Audit(plan, kickoff, kickoff.ProjectCode, AuditDecisions.KickoffFailed, reason));
                }

                continue;
            }

            var byCode = new Dictionary<string, CrmWriteOutcome>(StringComparer.Ordinal);
            foreach (var outcome in result.Outcomes)
            {
                byCode.TryAdd(outcome.Key, outcome);
            }

            foreach (var kickoff in chunk)
            {
                if (byCode.TryGetValue(kickoff.ProjectCode, out var outcome) && outcome is { Succeeded: true, RecordId.Length: > 0 })
                {
                    projectIds[kickoff.DealId] = outcome.RecordId!;
                    if (outcome.Created)
                    {
                        created++;
                    }
                    else
                    {
                        matched++;
                    }

                    audit.Add(Audit(plan, kickoff, outcome.RecordId!, outcome.Created ? AuditDecisions.ProjectCreated : AuditDecisions.ProjectMatched, null));
                }
                else
                {
                    var reason = outcome is null
                        ? "HubSpot returned no outcome for the project."
                        : (outcome.ErrorCategory ?? "REJECTED") + ": " + (outcome.ErrorMessage ?? "no message");
                    failures.Add((kickoff.DealId, reason));
                    audit.Add(Audit(plan, kickoff, kickoff.ProjectCode, AuditDecisions.KickoffFailed, reason));
                }
            }
        }

        var links = new List<PlannedAssociation>();
        var toDeals = new List<CrmAssociationCreate>();
        var toCompanies = new List<CrmAssociationCreate>();
        foreach (var kickoff in plan.Projects)
        {
            if (!projectIds.TryGetValue(kickoff.DealId, out var projectId))
            {
                continue;
            }

            toDeals.Add(new CrmAssociationCreate(projectId, kickoff.DealId));
            links.Add(new PlannedAssociation(plan.ProjectObjectType, projectId, CrmObjectTypes.Deals, kickoff.DealId));
            foreach (var companyId in kickoff.CompanyIds)
            {
                toCompanies.Add(new CrmAssociationCreate(projectId, companyId));
                links.Add(new PlannedAssociation(plan.ProjectObjectType, projectId, CrmObjectTypes.Companies, companyId));
            }
        }

        var linkFailures = new List<string>();
        foreach (var (toType, creates) in new[] { (CrmObjectTypes.Deals, toDeals), (CrmObjectTypes.Companies, toCompanies) })
        {
            if (creates.Count == 0)
            {
                continue;
            }

            try
            {
                writeCalls++;
                await _writer.CreateAssociationsAsync(plan.ProjectObjectType, toType, creates, cancellationToken);
            }
            catch (CrmException ex) when (ex is not (CrmAuthenticationException or CrmQuotaExceededException))
            {
                // The projects exist; the next run plans the missing links again (links are idempotent).
                linkFailures.Add($"{plan.ProjectObjectType}->{toType}: {ex.Category ?? "CALL_FAILED"}: {ex.Message}");
                links.RemoveAll(l => l.ToType == toType);
            }
        }

        var at = _time.GetUtcNow();
        audit.AddRange(links.Select(l => new AuditEntry(
            0, at, l.FromType, l.FromKey, null, null, l.ToType + "/" + l.ToId, "-", AuditDecisions.Associated, "kickoff")));
        if (_store is not null && audit.Count > 0)
        {
            await _store.AppendAuditAsync(audit.Select(a => a with { At = at }).ToList(), cancellationToken);
        }

        return new KickoffReport(projectIds, created, matched, links, failures, writeCalls, linkFailures);
    }

    private static AuditEntry Audit(KickoffPlan plan, ProjectKickoff kickoff, string recordKey, string decision, string? detail) =>
        new(0, default, plan.ProjectObjectType, recordKey, plan.CodeProperty, null, kickoff.ProjectCode, "-", decision, AuditSource(kickoff.DealId), detail);

    /// <summary>The audit source of a deal's kickoff lines (project created, found or failed).</summary>
    public static string AuditSource(string dealId) => "kickoff:deal " + dealId;
}
