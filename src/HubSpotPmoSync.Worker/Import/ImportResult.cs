namespace HubSpotPmoSync.Worker.Import;

/// <summary>A rejected row: its line in the file (1-based, the header is line 1), why, and its raw text.</summary>
public sealed record ImportRejection(long Line, string Reason, string Raw);

/// <summary>What an import did.</summary>
/// <param name="Read">Data rows read (the header is not counted).</param>
/// <param name="Imported">Rows stored that were not stored before (added).</param>
/// <param name="Updated">Rows whose entry (same identity) was stored with other values, now replaced.</param>
/// <param name="DuplicatesSkipped">Rows already stored exactly so (an earlier import of them): unchanged.</param>
/// <param name="Rejected">Rows rejected; each is in the rejects file with its line and reason.</param>
/// <param name="RejectsPath">The rejects file (<c>FILE.rejects.csv</c>); null when nothing was rejected.</param>
/// <param name="BatchId">The import batch recorded (<c>import undo BATCH</c> undoes it).</param>
/// <param name="Warnings">What was imported but looks wrong (e.g. entries dated after today).</param>
public sealed record ImportResult(
    string Path,
    int Read,
    int Imported,
    int Updated,
    int DuplicatesSkipped,
    int Rejected,
    string? RejectsPath,
    IReadOnlyList<ImportRejection> Rejections,
    long BatchId,
    IReadOnlyList<string> Warnings);

/// <summary>The file as a whole cannot be imported (missing, unreadable, no header, a required column missing).</summary>
public sealed class ImportFileException : Exception
{
    public ImportFileException()
    {
    }

    public ImportFileException(string message)
        : base(message)
    {
    }

    public ImportFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
