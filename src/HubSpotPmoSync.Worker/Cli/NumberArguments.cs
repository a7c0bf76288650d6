using System.CommandLine.Parsing;
using System.Globalization;

namespace HubSpotPmoSync.Worker.Cli;

/// <summary>
/// Parsers for the numeric arguments of the commands, whose errors say in plain words which argument of which
/// command is wrong and what it takes (System.CommandLine's own read "expected type 'System.Int64'"). A parse error
/// exits 2 before anything runs.
/// </summary>
internal static class NumberArguments
{
    /// <summary>A whole number of <paramref name="minimum"/> or more; <paramref name="spot"/> is e.g. <c>status --runs</c>.</summary>
    public static Func<ArgumentResult, int> WholeNumber(string spot, int minimum = 0) => result =>
    {
        var text = Token(result);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        result.AddError(minimum == int.MinValue
            ? $"{spot}: '{text}' is not a whole number"
            : $"{spot}: '{text}' is not a whole number of {minimum.ToString(CultureInfo.InvariantCulture)} or more");
        return default;
    };

    /// <summary>A dead letter's id, as <c>dlq list</c> shows it (a number from 1); null when the argument is absent.</summary>
    public static long? DeadLetterId(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = Token(result);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        result.AddError($"dlq replay: '{text}' is not a dead-letter id (a number from `dlq list`)");
        return null;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
}
