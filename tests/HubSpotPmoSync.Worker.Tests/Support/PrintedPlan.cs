using System.Text.RegularExpressions;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>
/// The write plan as <c>sync --dry-run</c> prints it (section "write plan"), read back line by line: creates,
/// updates by field (record: before -> after, as displayed), associations and the conflicts kept for HubSpot. Every
/// entry must be on one line (multi-line values are printed escaped); a line that fits no entry fails the parse.
/// </summary>
internal sealed record PrintedPlan(
    IReadOnlyList<(string ObjectType, string Key)> Creates,
    IReadOnlyList<PlannedWrite> Updates,
    IReadOnlyList<(string FromType, string FromKey, string ToType, string ToId)> Associations,
    IReadOnlyList<PlannedWrite> Kept,
    string Total)
{
    private static readonly Regex ObjectHeader = new("^([a-z0-9_-]+): [0-9]+ creates?, ", RegexOptions.CultureInvariant);

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
        var kept = new List<PlannedWrite>();
        string? objectType = null;
        string? property = null;
        foreach (var line in lines.Skip(start + 1))
        {
            if (line.StartsWith("Total:", StringComparison.Ordinal))
            {
                return new PrintedPlan(creates, updates, links, kept, line);
            }

            try
            {
                if (line.StartsWith("      ", StringComparison.Ordinal))
                {
                    // "      KEY: BEFORE -> AFTER[  [conflict, REASON]]"
                    var colon = line.IndexOf(": ", 6, StringComparison.Ordinal);
                    var at = colon + 2;
                    var before = Value(line, ref at);
                    Expect(line, ref at, " -> ");
                    var after = Value(line, ref at);
                    var conflict = line[at..].StartsWith("  [conflict, ", StringComparison.Ordinal);
                    if (!conflict && at != line.Length)
                    {
                        throw new FormatException("trailing text");
                    }

                    updates.Add(new PlannedWrite(objectType!, line[6..colon], property!, before, after, conflict));
                }
                else if (line.StartsWith("  = keep ", StringComparison.Ordinal))
                {
                    // "  = keep KEY.PROPERTY: HubSpot VALUE, local VALUE [REASON]"
                    var colon = line.IndexOf(": HubSpot ", StringComparison.Ordinal);
                    var target = line["  = keep ".Length..colon];
                    var dot = target.LastIndexOf('.');
                    var at = colon + ": HubSpot ".Length;
                    var hubSpot = Value(line, ref at);
                    Expect(line, ref at, ", local ");
                    var local = Value(line, ref at);
                    Expect(line, ref at, " [");
                    kept.Add(new PlannedWrite(objectType!, target[..dot], target[(dot + 1)..], hubSpot, local, true));
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
                else if (ObjectHeader.Match(line) is { Success: true } header)
                {
                    objectType = header.Groups[1].Value;
                }
                else
                {
                    throw new FormatException("not a plan line");
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                throw new Xunit.Sdk.XunitException($"unexpected plan line '{line}' ({ex.Message}) in:\n{output}");
            }
        }

        throw new Xunit.Sdk.XunitException("the write plan has no Total line:\n" + output);
    }

    /// <summary>One displayed value at <paramref name="at"/>: a JSON-quoted string (kept quoted, as displayed) or a word.</summary>
    private static string Value(string line, ref int at)
    {
        var start = at;
        if (line[at] == '"')
        {
            for (at++; line[at] != '"'; at++)
            {
                if (line[at] == '\\')
                {
                    at++;
                }
            }

            at++;
            return line[start..at];
        }

        while (at < line.Length && line[at] != ' ' && line[at] != ',')
        {
            at++;
        }

        return line[start..at];
    }

    private static void Expect(string line, ref int at, string text)
    {
        if (string.CompareOrdinal(line, at, text, 0, text.Length) != 0)
        {
            throw new FormatException($"expected '{text}' at {at}");
        }

        at += text.Length;
    }
}

/// <summary>One planned property write (or kept conflict: HubSpot's value as Before, the local one as After), values as the plan displays them.</summary>
internal sealed record PlannedWrite(string ObjectType, string RecordKey, string Property, string Before, string After, bool IsConflict = false);
