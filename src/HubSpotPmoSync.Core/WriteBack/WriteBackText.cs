using System.Globalization;
using System.Text;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>The text the command line prints for write-back results: <c>dlq list</c>, sync summaries.</summary>
public static class WriteBackText
{
    /// <summary>One line per dead letter (what <c>dlq list</c> prints), then a count.</summary>
    public static string DeadLetters(IReadOnlyList<DeadLetter> letters)
    {
        ArgumentNullException.ThrowIfNull(letters);
        var text = new StringBuilder();
        foreach (var letter in letters)
        {
            var change = letter.Change;
            text.Append(CultureInfo.InvariantCulture, $"#{letter.Id}  {change.ObjectType}/{change.Record.RecordKey}.{change.Property} = {WriteBackValues.Display(change.Value)}")
                .Append(CultureInfo.InvariantCulture, $"  [{change.Source}, {letter.Attempts} attempt{(letter.Attempts == 1 ? string.Empty : "s")}, {Time(letter.FailedAt)}]")
                .Append(CultureInfo.InvariantCulture, $"  {letter.Category}: {letter.Message}{(letter.Rejected ? " [held]" : string.Empty)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"{letters.Count} dead letter{(letters.Count == 1 ? string.Empty : "s")}\n");
        if (letters.Any(l => l.Rejected))
        {
            text.Append("values HubSpot rejected [held] are not sent again until 'dlq replay' or a new value; the others are tried again by the next sync\n");
        }
        return text.ToString();
    }

    /// <summary>A one-line summary of a flush.</summary>
    public static string Summary(FlushReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"pushed {report.Applied.Count} properties on {report.RecordsWritten} records in {report.WriteCalls} write calls; {report.Unchanged} unchanged; {report.ConflictsOverwritten} conflicts overwritten, {report.KeptHubSpot.Count} kept for HubSpot; {report.DeadLettered} dead-lettered; {report.Retrying} retrying next flush{(report.HeldRejected > 0 ? $"; {report.HeldRejected} held as dead letters (rejected before)" : string.Empty)}");
    }

    /// <summary>A one-line summary of a kickoff run.</summary>
    public static string Summary(KickoffReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"kickoff: {report.Created} projects created, {report.Matched} found, {report.Associations.Count} links, {report.Failures.Count} failed, {report.LinkFailures.Count} link calls failed");
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
