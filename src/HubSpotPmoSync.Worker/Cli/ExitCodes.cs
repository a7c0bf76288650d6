namespace HubSpotPmoSync.Worker.Cli;

/// <summary>The process exit codes (DESIGN.md: 0 success, 1 runtime failure, 2 bad input).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;
}

/// <summary>
/// The user's input (configuration, arguments, a file) is wrong: the message names the spot and the reason,
/// and the process exits with <see cref="ExitCodes.BadInput"/> before anything is written.
/// </summary>
internal sealed class UserInputException : Exception
{
    public UserInputException() { }

    public UserInputException(string message) : base(message) { }

    public UserInputException(string message, Exception? inner) : base(message, inner) { }

    public UserInputException(IEnumerable<string> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
    }
}
