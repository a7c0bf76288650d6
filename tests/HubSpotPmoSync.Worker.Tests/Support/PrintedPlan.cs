namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// The write plan as <c>sync --dry-run</c> prints it (section "write plan"), read back line by line:
/// creates, updates by field (record: before -> after, as displayed) and associations.
/// </summary>
internal sealed record PrintedPlan(
    IReadOnlyList<(string ObjectType, string Key)> Creates,
    IReadOnlyList<PlannedWrite> Updates,
    IReadOnlyList<(string FromType, string FromKey, string ToType, string ToId)> Associations,
    string Total)
{
    private static readonly System.Text.RegularExpressions.Regex UpdateLine = new(@"^ {6}[^ :]+(:[^ :]+)?: ", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Values may span lines (reasons hold line breaks): a line that starts nothing new continues the last one.</summary>
    private static IEnumerable<string> Logical(IEnumerable<string> lines)
    {
        string? pending = null;
        foreach (var line in lines)
        {
            var starts = UpdateLine.IsMatch(line) || line.StartsWith("  ~ ", StringComparison.Ordinal) || line.StartsWith("  + create ", StringComparison.Ordinal)
                || line.StartsWith("  <> ", StringComparison.Ordinal) || line.StartsWith("  = keep ", StringComparison.Ordinal) || line.StartsWith("Total:", StringComparison.Ordinal)
                || System.Text.RegularExpressions.Regex.IsMatch(line, "^[a-z0-9_-]+: [0-9]+ create");
            if (starts && pending is not null)
            {
                yield return pending;
                pending = null;
            }

            pending = pending is null ? line : pending + "\n" + line;
        }

        if (pending is not null)
        {
            yield return pending;
        }
    }

    public static PrintedPlan Parse(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith("write plan", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new Xunit.Sdk.XunitException("no write plan in the output:\n" + output);
        }

        var creates = new List<(string, string)>();
        var updates = new List<PlannedWrite>();
        var links = new List<(string, string, string, string)>();
        string? objectType = null;
        string? property = null;
        foreach (var line in Logical(lines.Skip(start + 1)))
        {
            if (line.StartsWith("Total:", StringComparison.Ordinal))
            {
                return new PrintedPlan(creates, updates, links, line);
            }

            if (line.StartsWith("      ", StringComparison.Ordinal))
            {
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon < 0 || !line.Contains(" -> ", StringComparison.Ordinal))
                {
                    throw new Xunit.Sdk.XunitException($"unexpected plan line '{line}' in:\n{output}");
                }

                var key = line[6..colon];
                var rest = line[(colon + 2)..];
                var conflict = rest.IndexOf("  [conflict", StringComparison.Ordinal);
                if (conflict >= 0)
                {
                    rest = rest[..conflict];
                }

                var arrow = rest.IndexOf(" -> ", StringComparison.Ordinal);
                updates.Add(new PlannedWrite(objectType!, key, property!, rest[..arrow], rest[(arrow + 4)..]));
            }
            else if (line.StartsWith("  + create ", StringComparison.Ordinal))
            {
                creates.Add((objectType!, line["  + create ".Length..].Split(' ')[0]));
            }
            else if (line.StartsWith("  ~ ", StringComparison.Ordinal))
            {
                property = line[4..line.IndexOf(':', StringComparison.Ordinal)];
            }
            else if (line.StartsWith("  <> associate ", StringComparison.Ordinal))
            {
                var parts = line["  <> associate ".Length..].Split(' ');
                links.Add((parts[0], parts[1], parts[3], parts[4]));
            }
            else if (!line.StartsWith(' ') && line.Contains(':', StringComparison.Ordinal))
            {
                objectType = line[..line.IndexOf(':', StringComparison.Ordinal)];
            }
        }

        throw new Xunit.Sdk.XunitException("the write plan has no Total line:\n" + output);
    }
}

/// <summary>One planned property write: values as the plan displays them.</summary>
internal sealed record PlannedWrite(string ObjectType, string RecordKey, string Property, string Before, string After);
