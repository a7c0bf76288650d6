using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.Testing;

namespace HubSpotPmoSync.HubSpot.Tests.RateLimiting;

public sealed class RollingWindowBudgetTests
{
    private static (RollingWindowBudget Budget, FakeTimeProvider Time) CreateSut(int? capacity = 3, double intervalSeconds = 10)
    {
        var time = new FakeTimeProvider();
        return (new RollingWindowBudget("general", capacity, TimeSpan.FromSeconds(intervalSeconds), time), time);
    }

    [Fact]
    public async Task AcquireAsync_WithinCapacity_DoesNotWait()
    {
        var (budget, _) = CreateSut();
        using var _ = budget;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.Zero, await budget.AcquireAsync(CancellationToken.None));
        }

        Assert.Equal(3, budget.Used);
    }

    [Fact]
    public async Task AcquireAsync_BudgetSpent_WaitsUntilOneIntervalAfterTheFirstCompletion()
    {
        var (budget, time) = CreateSut();
        using var _ = budget;
        for (var i = 0; i < 3; i++)
        {
            await budget.AcquireAsync(CancellationToken.None);
        }

        budget.Complete();
        time.Advance(TimeSpan.FromSeconds(2));
        budget.Complete();
        budget.Complete();

        var fourth = budget.AcquireAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(7.9));
        await Task.Delay(20);
        Assert.False(fourth.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(0.1));
        var waited = await fourth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(8), waited);
    }

    [Fact]
    public async Task AcquireAsync_Unlimited_NeverWaits()
    {
        var (budget, _) = CreateSut(capacity: null);
        using var _ = budget;

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(TimeSpan.Zero, await budget.AcquireAsync(CancellationToken.None));
        }
    }

    [Fact]
    public void Correct_PortalReportsFewerRemaining_MarksTheDifferenceSpent()
    {
        var (budget, _) = CreateSut(capacity: 10);
        using var _ = budget;

        var changed = budget.Correct(max: 10, remaining: 4, interval: null);

        Assert.True(changed);
        Assert.Equal(6, budget.Used);
    }

    [Fact]
    public void Correct_PortalReportsMoreRemaining_KeepsTheClientsStricterCount()
    {
        var (budget, _) = CreateSut(capacity: 10);
        using var _ = budget;
        budget.Correct(null, 5, null);

        budget.Correct(null, 9, null);

        Assert.Equal(5, budget.Used);
    }

    [Fact]
    public void Correct_MaxAndInterval_ReplaceTheTierValues()
    {
        var (budget, _) = CreateSut(capacity: 190);
        using var _ = budget;

        budget.Correct(max: 100, remaining: null, interval: TimeSpan.FromSeconds(1));

        Assert.Equal(100, budget.Capacity);
        Assert.Equal(TimeSpan.FromSeconds(1), budget.Interval);
    }

    [Fact]
    public async Task MarkExhausted_FillsTheWindowUntilItRolls()
    {
        var (budget, time) = CreateSut(capacity: 5);
        using var _ = budget;

        budget.MarkExhausted(TimeSpan.FromSeconds(2));
        var next = budget.AcquireAsync(CancellationToken.None).AsTask();
        await Task.Delay(20);
        Assert.False(next.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Cancel_TokenTakenButNotSent_ComesBackAtOnce()
    {
        var (budget, _) = CreateSut(capacity: 1);
        using var _ = budget;
        await budget.AcquireAsync(CancellationToken.None);

        budget.Cancel();

        Assert.Equal(TimeSpan.Zero, await budget.AcquireAsync(CancellationToken.None));
    }
}
