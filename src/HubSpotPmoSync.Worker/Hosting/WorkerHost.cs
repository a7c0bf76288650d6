using HubSpotPmoSync.Worker.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// Builds the generic host a command runs in: appsettings.json (+ appsettings.{Environment}.json), user secrets in
/// Development, environment variables (<c>HubSpot__AccessToken</c>), then the command's own overrides — later wins.
/// Logs go to standard error so that a command's output (a table, JSON, CSV) stays clean on standard output.
/// </summary>
internal static class WorkerHost
{
    /// <param name="env">Where the command writes, the configuration overrides it adds and the clock it runs on.</param>
    /// <param name="longRunning">The <c>run</c> worker: information logs and the Quartz schedule.</param>
    /// <param name="sections">The options sections a read-only command uses, whose values are checked (null: every section).</param>
    /// <exception cref="UserInputException">A settings file is not valid JSON, or a value does not fit its option's type.</exception>
    public static HostApplicationBuilder CreateBuilder(CommandEnvironment env, bool longRunning = false, IReadOnlyCollection<string>? sections = null)
    {
        HostApplicationBuilder builder;
        var contentRoot = Directory.GetCurrentDirectory();
        try
        {
            builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = [],
                ContentRootPath = contentRoot,
                ApplicationName = "HubSpotPmoSync",
            });
        }
        catch (InvalidDataException e) when (ConfigurationCheck.BrokenJsonFile(contentRoot, EnvironmentName()) is { } spot)
        {
            throw new UserInputException(spot, e);
        }

        if (env.ConfigurationOverrides is { Count: > 0 } overrides)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        // Before any options class is bound: a value of the wrong type stops here naming the key, a misspelled key warns.
        var check = ConfigurationCheck.Check(builder.Configuration, sections);
        foreach (var warning in check.Warnings)
        {
            env.Error.WriteLine($"warning: {warning}");
        }

        if (check.Errors.Count > 0)
        {
            throw new UserInputException(["the configuration is not valid:", .. check.Errors.Select(e => "  " + e)]);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (!longRunning)
        {
            // One-shot commands speak through their output; only warnings and errors are logged.
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            // A start failure (e.g. invalid options) is reported by the command itself, once and without a stack trace.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        }
        else
        {
            // The worker keeps the host's lifetime messages; a start failure is reported by run itself (exit 2).
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        }

        if (env.Clock is { } clock)
        {
            // Registered before the adapters, whose own registrations only add the system clock when none is.
            builder.Services.AddSingleton(clock);
        }

        builder.AddHubSpotPmoSync();
        if (longRunning)
        {
            // Only the long-running worker (run) schedules cycles.
            builder.AddSyncSchedule();
        }

        return builder;
    }

    private static string EnvironmentName() =>
        Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } name ? name : Environments.Production;

    /// <summary>Resolves a configured relative path against the current folder first, then the program's folder.</summary>
    public static string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        var besideProgram = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(besideProgram) || Directory.Exists(besideProgram) ? besideProgram : Path.GetFullPath(path);
    }
}
