using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Core.Webhooks;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Webhooks;

/// <summary>
/// Drains the webhook inbox between scheduled cycles (a hosted service of <c>run</c>). After the endpoint stores
/// events it waits <c>Webhooks:Debounce</c> for more, then takes the <see cref="CycleGate"/> (so it never runs beside a
/// scheduled cycle in this process) and the database's <see cref="ICycleLock"/> (nor beside one in another process),
/// and hands up to <see cref="BatchSize"/> events at a time to <see cref="WebhookIngest"/>. Events left by a previous
/// process (killed with events waiting) are drained at start. A failed drain leaves the events where they are and is
/// tried again after a pause.
/// </summary>
internal sealed class WebhookProcessor(
    IWebhookInbox inbox,
    WebhookIngest ingest,
    WebhookSignal signal,
    WebhookMetrics metrics,
    CycleGate gate,
    ICycleLock cycleLock,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookProcessor> log) : BackgroundService
{
    /// <summary>Events handed to one targeted pass.</summary>
    public const int BatchSize = 500;

    /// <summary>The pause after a failed drain or while another process holds the cycle lock.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }

        // Events a previous process stored and did not finish come first.
        var pending = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!pending)
                {
                    // Wait for events, then for the ones HubSpot sends right after them (one re-read for all).
                    await signal.WaitAsync(stoppingToken);
                    var debounce = options.CurrentValue.Debounce;
                    if (debounce > TimeSpan.Zero)
                    {
                        await Task.Delay(debounce, time, stoppingToken);
                    }
                }

                pending = await DrainAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (CycleLockedException e)
            {
                Log.WebhookLocked(log, e.LockPath);
                pending = true;
                await PauseAsync(stoppingToken);
            }
            catch (Exception e)
            {
                Log.WebhookProcessingFailed(log, e, BatchSize, Core.Sync.HumanDuration.Format(RetryDelay));
                pending = true;
                await PauseAsync(stoppingToken);
            }
        }
    }

    /// <summary>Drains the inbox; returns whether events remain (more arrived during the drain is the signal's business).</summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        using var entered = await gate.EnterAsync(cancellationToken);
        var events = await inbox.PendingAsync(BatchSize, cancellationToken);
        metrics.OldestPending(events.Count > 0 ? events[0].ReceivedAt : null);
        if (events.Count == 0)
        {
            return false;
        }

        await using (await cycleLock.AcquireAsync("webhooks", time.GetUtcNow(), cancellationToken))
        {
            var started = time.GetTimestamp();
            var report = await ingest.RunAsync(events, cancellationToken);
            metrics.Count("processed", report.Events);
            Log.WebhookProcessed(
                log,
                report.Events,
                (long)time.GetElapsedTime(started).TotalMilliseconds,
                report.RecordsRead,
                report.Enqueued,
                report.Flush is { } flush ? Core.WriteBack.WriteBackText.Summary(flush) : "nothing to push");
        }

        var left = await inbox.PendingAsync(1, cancellationToken);
        metrics.OldestPending(left.Count > 0 ? left[0].ReceivedAt : null);
        return left.Count > 0;
    }

    private async Task PauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A new event does not cut the pause short: the cause (HubSpot down, the lock held) is not the event's.
            await Task.Delay(RetryDelay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
