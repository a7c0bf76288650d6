using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>A project's time and costs summed up to an as-of day: actual cost and the last time entry.</summary>
internal readonly record struct ProjectActuals(decimal ActualCost, DateOnly? LastTimeEntry)
{
    public static ProjectActuals From(IReadOnlyList<TimeEntry> timeEntries, IReadOnlyList<CostEntry> costEntries, DateOnly asOf)
    {
        var ac = 0m;
        DateOnly? last = null;
        for (var i = 0; i < timeEntries.Count; i++)
        {
            var t = timeEntries[i];
            if (t.Date <= asOf)
            {
                ac += t.Hours * t.CostRate;
                if (last is null || t.Date > last)
                {
                    last = t.Date;
                }
            }
        }

        for (var i = 0; i < costEntries.Count; i++)
        {
            var c = costEntries[i];
            if (c.Date <= asOf)
            {
                ac += c.Amount;
            }
        }

        return new ProjectActuals(ac, last);
    }
}
