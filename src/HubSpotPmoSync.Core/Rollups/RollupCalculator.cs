using System.Runtime.ExceptionServices;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;
using HubSpotPmoSync.Core.Reporting;

namespace HubSpotPmoSync.Core.Rollups;

/// <summary>
/// Rolls project health up to deals and companies. Links are many-to-many: a project linked to two deals counts
/// in both; a project reached through several paths (directly and through deals) counts once per company, and a
/// deal once per company. Amounts in different currencies are never added together: totals are per currency.
/// </summary>
/// <remarks>
/// Works on the link numbers of <see cref="LinkIndex"/>: what a project brings to a rollup (RAG, score, its money
/// rounded to the cent) is worked out once per project, not once per deal or company it counts in. Deals and
/// companies are rolled up in parallel into fixed slots (deterministic order).
/// </remarks>
public static class RollupCalculator
{
    /// <summary>Rolls the projects' health up to the deals and companies that are not archived, ordered by id.</summary>
    /// <remarks>
    /// Ids are unique in HubSpot, so two live projects (deals, companies) with one id, or two results for one project
    /// id in <paramref name="health"/>, can only be a caller's bug: the rollup refuses them rather than count one and
    /// drop the other unseen, or roll one record up twice. An archived record may share its id with a live one
    /// (archived records are left out).
    /// </remarks>
    /// <exception cref="ArgumentException">Two live projects, deals or companies of <paramref name="model"/>, or two
    /// results of <paramref name="health"/>, have the same id (named in the message).</exception>
    public static PortfolioRollup Rollup(DeliveryModelSnapshot model, PortfolioHealth health)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(health);

        var links = LinkIndex.For(model, health.Links);
        ProjectMembers? members = null;
        Deal[]? dealList = null;
        Company[]? companyList = null;
        try
        {
            Parallel.Invoke(
                () => members = Members(model, health, links),
                () => dealList = SortedById(model.Deals, d => d.Archived, d => d.Id, "deals", nameof(model)),
                () => companyList = SortedById(model.Companies, c => c.Archived, c => c.Id, "companies", nameof(model)));
        }
        catch (AggregateException e) when (e.InnerExceptions is [ArgumentException refused])
        {
            // A refused input (see above) is the caller's error: thrown as is, not wrapped by the parallel run.
            ExceptionDispatchInfo.Throw(refused);
        }

        var deals = new DealRollup[dealList!.Length];
        Partitioned.For(dealList.Length, () => new Scratch(links), (i, scratch) =>
        {
            var deal = dealList[i];
            var found = scratch.Found;
            found.Clear();
            foreach (var p in links.Linked(EntityKind.Deal, links.IndexOf(EntityKind.Deal, deal.Id), EntityKind.Project))
            {
                if (members!.Of[p].Counts)
                {
                    found.Add(p);
                }
            }

            members!.SortByCode(found);
            deals[i] = new DealRollup(deal.Id, deal.Name, members.Ids(found), members.Worst(found), members.Lowest(found), members.Totals(found, scratch));
        });

        var companies = new CompanyRollup[companyList!.Length];
        Partitioned.For(companyList.Length, () => new Scratch(links), (i, scratch) =>
        {
            var company = companyList[i];
            var stamp = i + 1;
            var found = scratch.Found;
            found.Clear();

            // Its active projects, linked directly or through one of its deals, each once; the deals that lead to one.
            bool Take(int p)
            {
                if (!members!.Of[p].Counts || !members.Of[p].Active)
                {
                    return false;
                }

                if (scratch.Seen[p] != stamp)
                {
                    scratch.Seen[p] = stamp;
                    found.Add(p);
                }

                return true;
            }

            var number = links.IndexOf(EntityKind.Company, company.Id);
            foreach (var p in links.Linked(EntityKind.Company, number, EntityKind.Project))
            {
                Take(p);
            }

            var dealCount = 0;
            foreach (var d in links.Linked(EntityKind.Company, number, EntityKind.Deal))
            {
                var leads = false;
                foreach (var p in links.Linked(EntityKind.Deal, d, EntityKind.Project))
                {
                    leads |= Take(p);
                }

                dealCount += leads ? 1 : 0;
            }

            members!.SortByCode(found);
            var atRisk = 0;
            foreach (var p in found)
            {
                atRisk += members.Of[p].Rag.IsAtRisk() ? 1 : 0;
            }

            companies[i] = new CompanyRollup(
                company.Id, company.Name, members.Ids(found), found.Count, atRisk, dealCount, members.Worst(found), members.Lowest(found), members.Totals(found, scratch));
        });

        return new PortfolioRollup(deals, companies);
    }

    /// <summary>The records not archived, by id (ordinal); two with one id are refused (see <see cref="Rollup"/>).</summary>
    private static T[] SortedById<T>(IReadOnlyList<T> all, Func<T, bool> archived, Func<T, string> id, string what, string paramName)
    {
        var live = new List<T>(all.Count);
        foreach (var item in all)
        {
            if (!archived(item))
            {
                live.Add(item);
            }
        }

        var ids = new string[live.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = id(live[i]);
        }

        var order = OrdinalOrder.Of(ids);
        var sorted = new T[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0 && string.Equals(ids[order[i]], ids[order[i - 1]], StringComparison.Ordinal))
            {
                throw new ArgumentException($"Two live {what} have the id '{ids[order[i]]}' (HubSpot ids are unique).", paramName);
            }

            sorted[i] = live[order[i]];
        }

        return sorted;
    }

    /// <summary>
    /// What each project (by link number) brings to a rollup: set for the projects that are not archived and were
    /// scored, with their rank by code (equal codes share a rank). Throws on an id given twice (see <see cref="Rollup"/>).
    /// </summary>
    private static ProjectMembers Members(DeliveryModelSnapshot model, PortfolioHealth health, LinkIndex links)
    {
        var count = links.Count(EntityKind.Project);
        var of = new Member[count];
        var rank = new int[count];

        // Scored by the evaluator from this model: the projects are at hand, in code order.
        if (health.Scored is { UniqueIds: true } scored && ReferenceEquals(scored.Results, health.Projects)
            && ReferenceEquals(scored.Source, model.Projects) && ReferenceEquals(health.Links, links))
        {
            var runStart = 0;
            for (var i = 0; i < scored.Projects.Length; i++)
            {
                var p = scored.Projects[i];
                if (i > 0 && !string.Equals(p.Code, scored.Projects[i - 1].Code, StringComparison.Ordinal))
                {
                    runStart = i;
                }

                var n = scored.LinkNumbers[i];
                if (n >= 0)
                {
                    of[n] = Member.Of(p, scored.Results[i]);
                    rank[n] = runStart;
                }
            }

            return new ProjectMembers(of, rank);
        }

        // Not from the evaluator (or its ids are not unique): look every project up, refusing an id given twice. A
        // linked id is caught by its slot, the few ids without links by a set.
        var projects = new Project?[count];
        HashSet<string>? unlinked = null;
        foreach (var p in model.Projects)
        {
            if (p.Archived)
            {
                continue;
            }

            var n = links.IndexOf(EntityKind.Project, p.Id);
            if (Repeats(projects, n, p.Id, ref unlinked))
            {
                throw new ArgumentException($"Two live projects have the id '{p.Id}' (HubSpot ids are unique).", nameof(model));
            }

            if (n >= 0)
            {
                projects[n] = p;
            }
        }

        var healths = new ProjectHealth?[count];
        unlinked = null;
        foreach (var h in health.Projects)
        {
            var n = links.IndexOf(EntityKind.Project, h.ProjectId);
            if (Repeats(healths, n, h.ProjectId, ref unlinked))
            {
                throw new ArgumentException($"Two health results are for the project id '{h.ProjectId}'.", nameof(health));
            }

            if (n >= 0)
            {
                healths[n] = h;
            }
        }

        var codes = new List<(string Code, int Number)>();
        for (var n = 0; n < count; n++)
        {
            if (projects[n] is { } p && healths[n] is { } h)
            {
                of[n] = Member.Of(p, h);
                codes.Add((p.Code, n));
            }
        }

        var keys = new string[codes.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = codes[i].Code;
        }

        var order = OrdinalOrder.Of(keys);
        for (var i = 0; i < order.Length; i++)
        {
            var same = i > 0 && string.Equals(keys[order[i]], keys[order[i - 1]], StringComparison.Ordinal);
            rank[codes[order[i]].Number] = same ? rank[codes[order[i - 1]].Number] : i;
        }

        return new ProjectMembers(of, rank);
    }

    /// <summary>Whether the id was seen before: its slot (link number <paramref name="n"/>) is taken, or, without links, the set has it.</summary>
    private static bool Repeats<T>(T?[] slots, int n, string id, ref HashSet<string>? unlinked)
        where T : class =>
        n >= 0 ? slots[n] is not null : !(unlinked ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);

    /// <summary>A project's part in rollups (<see cref="Counts"/> false: it does not count), money rounded to the cent.</summary>
    private readonly record struct Member(bool Counts, string Id, string Currency, bool Active, Rag Rag, decimal? Score, decimal Budget, decimal Eac, decimal Vac, bool WithoutEac)
    {
        public static Member Of(Project p, ProjectHealth h)
        {
            var ev = h.EarnedValue;
            return new Member(
                true,
                p.Id,
                p.Currency,
                p.IsActive,
                h.Rag,
                h.Score,
                Money.Round(ev.Bac) ?? 0m,
                Money.Round(ev.Eac) ?? 0m,
                ev.Eac is not null ? Money.Round(ev.Bac!.Value) - Money.Round(ev.Eac.Value) : 0m,
                ev.Eac is null);
        }
    }

    /// <summary>The projects that count in rollups, by link number, with their rank by code.</summary>
    private sealed class ProjectMembers
    {
        private readonly int[] _rank;
        private readonly Comparison<int> _byCode;

        public ProjectMembers(Member[] of, int[] rank)
        {
            Of = of;
            _rank = rank;
            _byCode = (a, b) => _rank[a].CompareTo(_rank[b]);
        }

        public Member[] Of { get; }

        /// <summary>Sorts by project code the way <c>List.Sort</c> with an ordinal code comparison does (same algorithm, same comparisons).</summary>
        public void SortByCode(List<int> found) => found.Sort(_byCode);

        public string[] Ids(List<int> found)
        {
            var ids = new string[found.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = Of[found[i]].Id;
            }

            return ids;
        }

        public Rag Worst(List<int> found)
        {
            if (found.Count == 0)
            {
                return Rag.Unknown;
            }

            var worst = Rag.Green;
            foreach (var p in found)
            {
                worst = worst.Worst(Of[p].Rag);
            }

            return worst;
        }

        public decimal? Lowest(List<int> found)
        {
            decimal? lowest = null;
            foreach (var p in found)
            {
                if (Of[p].Score is { } s && (lowest is null || s < lowest))
                {
                    lowest = s;
                }
            }

            return lowest;
        }

        public CurrencyTotals[] Totals(List<int> found, Scratch scratch)
        {
            // Few currencies per deal or company: a short list of running sums beats a dictionary here.
            var sums = scratch.Sums;
            sums.Clear();
            foreach (var p in found)
            {
                ref readonly var m = ref Of[p];
                var index = 0;
                while (index < sums.Count && !string.Equals(sums[index].Currency, m.Currency, StringComparison.Ordinal))
                {
                    index++;
                }

                var t = index < sums.Count ? sums[index] : new CurrencySum(m.Currency, 0, 0m, 0m, 0m, 0);
                t = new CurrencySum(t.Currency, t.Projects + 1, t.Budget + m.Budget, t.Eac + m.Eac, t.Vac + m.Vac, t.WithoutEac + (m.WithoutEac ? 1 : 0));
                if (index < sums.Count)
                {
                    sums[index] = t;
                }
                else
                {
                    sums.Add(t);
                }
            }

            if (sums.Count == 0)
            {
                return [];
            }

            var totals = new CurrencyTotals[sums.Count];
            for (var i = 0; i < totals.Length; i++)
            {
                var t = sums[i];
                totals[i] = new CurrencyTotals(t.Currency, t.Projects, t.Budget, t.Eac, t.Vac, t.WithoutEac);
            }

            if (totals.Length > 1)
            {
                Array.Sort(totals, (a, b) => string.CompareOrdinal(a.Currency, b.Currency));
            }

            return totals;
        }
    }

    /// <summary>Running sums of one currency.</summary>
    private readonly record struct CurrencySum(string Currency, int Projects, decimal Budget, decimal Eac, decimal Vac, int WithoutEac);

    /// <summary>One thread's buffers: the projects found, the marks of those already taken, the running sums.</summary>
    private sealed class Scratch(LinkIndex links)
    {
        public List<int> Found { get; } = [];

        public int[] Seen { get; } = new int[links.Count(EntityKind.Project)];

        public List<CurrencySum> Sums { get; } = [];
    }
}
