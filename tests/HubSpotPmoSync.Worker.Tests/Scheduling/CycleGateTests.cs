using HubSpotPmoSync.Worker.Scheduling;

namespace HubSpotPmoSync.Worker.Tests.Scheduling;

/// <summary>The gate both scheduled jobs pass: one cycle at a time, across jobs.</summary>
public sealed class CycleGateTests
{
    [Fact]
    public async Task EnterAsync_WhileHeld_WaitsUntilReleased()
    {
        using var gate = new CycleGate();
        var first = await gate.EnterAsync(CancellationToken.None);

        var second = gate.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        Assert.Null(gate.TryEnter());

        first.Dispose();
        using var entered = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(gate.TryEnter());
    }

    [Fact]
    public async Task EnterAsync_Cancelled_ThrowsAndLeavesTheGateToTheHolder()
    {
        using var gate = new CycleGate();
        using var held = gate.TryEnter();
        Assert.NotNull(held);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Null(gate.TryEnter());
    }

    [Fact]
    public void Release_Twice_ReleasesOnce()
    {
        using var gate = new CycleGate();
        var held = gate.TryEnter()!;

        held.Dispose();
        held.Dispose();

        using var again = gate.TryEnter();
        Assert.NotNull(again);
        Assert.Null(gate.TryEnter());
    }
}
