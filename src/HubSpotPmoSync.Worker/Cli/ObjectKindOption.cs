using System.CommandLine;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Worker.Cli;

/// <summary>The <c>--object T</c> option: companies, deals, tickets or projects.</summary>
internal static class ObjectKindOption
{
    public static Option<string?> Create(string description) => new("--object")
    {
        Description = description + " One of: companies, deals, tickets, projects.",
    };

    /// <summary>The kind named, null when the option is absent; a bad name is the user's input error.</summary>
    public static EntityKind? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return EntityKinds.TryParse(value, out var kind)
            ? kind
            : throw new UserInputException($"--object '{value}' is not an object type; use companies, deals, tickets or projects.");
    }

    public static string ParseFormat(string? value, params string[] allowed) =>
        value is not null && allowed.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? value.ToLowerInvariant()
            : throw new UserInputException($"--format '{value}' is not one of: {string.Join(", ", allowed)}.");
}
