using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.Sync;

/// <summary>A pass's pages flowing from their reads to their commits, association reads beside the next page reads.</summary>
public sealed partial class SyncRunner
{
    // Pages a reader may be ahead of its commits: with the batch being processed, at most about two association
    // batches of records are in memory per reader, whatever the portal's size.
    private const int PagesAhead = 8;

    /// <summary>One page read: its records and what committing it changes in the cursor.</summary>
    private readonly record struct PageRead(IReadOnlyList<CrmRecord> Records, Func<SyncCursorState, SyncCursorState> Advance);

    private sealed partial class ObjectRun
    {
        /// <summary>
        /// Reads a pass's pages into a short queue while they are processed: pages are gathered until they hold enough
        /// records for one association batch read (1,000 inputs), so links cost a call per pair per 1,000 records, not
        /// per page, and those reads run while the next pages are read. Each page is still committed on its own, in
        /// order, with its records, their links and its cursor change. When the read fails, the pages read in full are
        /// committed first (a resume starts after them), then the failure is thrown.
        /// </summary>
        private async Task RunPassAsync(IAsyncEnumerable<PageRead> pages, SyncPhase phase, CancellationToken ct)
        {
            var queue = Channel.CreateBounded<PageRead>(new BoundedChannelOptions(PagesAhead) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reading = ReadAsync(pages, queue.Writer, stop.Token);
            Exception? processing = null;
            try
            {
                var batch = new List<PageRead>();
                var buffered = 0;
                while (await queue.Reader.WaitToReadAsync(ct))
                {
                    while (queue.Reader.TryRead(out var page))
                    {
                        batch.Add(page);
                        buffered += page.Records.Count;
                        if (buffered >= AssociationBatch)
                        {
                            await ProcessPagesAsync(batch, phase, ct);
                            batch = [];
                            buffered = 0;
                        }
                    }
                }

                if (batch.Count > 0 && !ct.IsCancellationRequested)
                {
                    await ProcessPagesAsync(batch, phase, ct);
                }
            }
            catch (Exception e)
            {
                processing = e;
                await stop.CancelAsync();
            }

            Exception? read = null;
            try
            {
                await reading;
            }
            catch (Exception e)
            {
                read = e;
            }

            // A read that failed on its own is the original failure (the processing may have failed after it, committing
            // what was read); a read stopped because the processing failed reports the processing's failure.
            var failure = read is not null and not OperationCanceledException ? read : processing ?? read;
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        private static async Task ReadAsync(IAsyncEnumerable<PageRead> pages, ChannelWriter<PageRead> writer, CancellationToken ct)
        {
            try
            {
                await foreach (var page in pages.WithCancellation(ct))
                {
                    await writer.WriteAsync(page, ct);
                }
            }
            finally
            {
                // The processing commits what was read in full, then this task's failure (if any) is thrown.
                writer.TryComplete();
            }
        }
    }
}
