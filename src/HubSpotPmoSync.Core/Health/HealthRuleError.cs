namespace HubSpotPmoSync.Core.Health;

/// <summary>One problem in a health rules file: where it is and why it is wrong.</summary>
/// <param name="File">The file (or source name) the rules came from.</param>
/// <param name="Path">The JSON path of the offending value, e.g. <c>$.weights.budget</c>.</param>
/// <param name="Line">1-based line of the offending token, when known.</param>
/// <param name="Column">1-based column of the offending token, when known.</param>
public sealed record HealthRuleError(string File, string Path, int? Line, int? Column, string Reason)
{
    public override string ToString() =>
        Line is { } line ? $"{File}({line},{Column}): {Path}: {Reason}" : $"{File}: {Path}: {Reason}";
}

/// <summary>Thrown when the health rules are invalid; lists every problem found.</summary>
public sealed class HealthRulesException : Exception
{
    public HealthRulesException()
        : this([])
    {
    }

    public HealthRulesException(string message)
        : base(message)
    {
        Errors = [];
    }

    public HealthRulesException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public HealthRulesException(IReadOnlyList<HealthRuleError> errors)
        : base("Invalid health rules:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<HealthRuleError> Errors { get; }
}
