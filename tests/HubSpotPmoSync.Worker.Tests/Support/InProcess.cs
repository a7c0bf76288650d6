using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>Runs a command of <c>hubspot-pmo-sync</c> in this process, with configuration overrides, capturing its output.</summary>
internal static class InProcess
{
    public static Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?>? overrides, params string[] args) =>
        RunAsync(overrides, clock: null, args);

    /// <summary>The same on <paramref name="clock"/> (null: the system clock), e.g. the emulator's, so both read one time.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?>? overrides, TimeProvider? clock, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, new CommandEnvironment(output, error, overrides, clock));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The configuration a command needs to talk to an emulator and keep its database in <paramref name="databasePath"/>.</summary>
    public static Dictionary<string, string?> EmulatorOverrides(Uri baseAddress, string databasePath, string token = "emulator-token") => new()
    {
        ["HubSpot:BaseAddress"] = baseAddress.ToString(),
        ["HubSpot:AccessToken"] = token,
        ["HubSpot:Tier"] = "unlimited",
        ["Storage:DatabasePath"] = databasePath,
    };
}
