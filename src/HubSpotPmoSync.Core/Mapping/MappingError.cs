using System.Globalization;
using System.Text;

namespace HubSpotPmoSync.Core.Mapping;

/// <summary>How bad a mapping finding is.</summary>
public enum MappingSeverity
{
    /// <summary>The mappings cannot be used: nothing may be written.</summary>
    Error,

    /// <summary>Usable, but something needs doing (e.g. run <c>schema apply</c>).</summary>
    Warning,
}

/// <summary>One finding about a mappings file, located by file, JSON path and (when known) line and column (1-based).</summary>
public sealed record MappingError(
    string File,
    string JsonPath,
    int? Line,
    int? Column,
    string Message,
    MappingSeverity Severity = MappingSeverity.Error)
{
    /// <summary>Whether this finding stops the mappings from being used.</summary>
    public bool IsError => Severity == MappingSeverity.Error;

    /// <summary><c>file:line:col: $.path: message</c> (line and column left out when unknown; warnings say so).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(File);
        if (Line is { } line)
        {
            sb.Append(':').Append(line.ToString(CultureInfo.InvariantCulture));
            if (Column is { } column)
            {
                sb.Append(':').Append(column.ToString(CultureInfo.InvariantCulture));
            }
        }

        sb.Append(": ");
        if (Severity == MappingSeverity.Warning)
        {
            sb.Append("warning: ");
        }

        return sb.Append(JsonPath).Append(": ").Append(Message).ToString();
    }
}

/// <summary>The outcome of loading a mappings file: the mappings when there were no errors, and every finding.</summary>
public sealed record MappingLoadResult(MappingSet? Mappings, IReadOnlyList<MappingError> Errors)
{
    /// <summary>Whether the mappings can be used (no error-severity finding).</summary>
    public bool Succeeded => Mappings is not null && !Errors.Any(e => e.IsError);
}
