using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Health;

namespace HubSpotPmoSync.Core.Tests.Health;

public sealed class TimeEntryIdentityTests
{
    private static readonly TimeEntry Entry = new(new DateOnly(2026, 3, 2), "PRJ-0001", "Ana Souza", 4m, 55m, 140m, "Discovery");

    [Fact]
    public void Keys_Default_HoursAndRatesDoNotCountCaseAndSpacesDoNot()
    {
        var keys = TimeEntryIdentity.Default.Keys([(Entry, null)]).Concat(TimeEntryIdentity.Default.Keys([(Entry with { Hours = 6m, CostRate = 60m, ProjectCode = "prj-0001", Person = " ana souza " }, null)]));

        Assert.Single(keys.Distinct());
        Assert.Equal("Date+ProjectCode+Person+Notes", TimeEntryIdentity.Default.Spec);
    }

    [Fact]
    public void Keys_SameValuesTwice_NumberedInOrder()
    {
        var keys = TimeEntryIdentity.Default.Keys([(Entry, null), (Entry with { Hours = 1m }, null), (Entry with { Notes = "Build" }, null)]);
        var again = TimeEntryIdentity.Default.Keys([(Entry with { Hours = 2m }, null), (Entry with { Hours = 3m }, null)]);

        Assert.Equal(3, keys.Distinct().Count());
        Assert.Equal(keys.Take(2), again);
    }

    [Fact]
    public void Keys_ById_RepeatedOrMissingIdHasNoKey()
    {
        var byId = new TimeEntryIdentity([TimeEntryKeyField.Id]);

        var keys = byId.Keys([(Entry, "T-1"), (Entry with { Notes = "Other" }, "T-2"), (Entry, "T-1"), (Entry, null)]);

        Assert.True(byId.UsesId);
        Assert.NotNull(keys[0]);
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Null(keys[2]);
        Assert.Null(keys[3]);
    }

    [Fact]
    public void Keys_OtherIdentity_OtherKeys()
    {
        var withHours = new TimeEntryIdentity([TimeEntryKeyField.Date, TimeEntryKeyField.ProjectCode, TimeEntryKeyField.Person, TimeEntryKeyField.Notes, TimeEntryKeyField.Hours]);

        Assert.NotEqual(TimeEntryIdentity.Default.Keys([(Entry, null)]), withHours.Keys([(Entry, null)]));
        Assert.NotEqual(withHours.Keys([(Entry, null)]), withHours.Keys([(Entry with { Hours = 4.5m }, null)]));
        Assert.Equal(withHours.Keys([(Entry, null)]), withHours.Keys([(Entry with { Hours = 4.000m }, null)]));
    }
}
