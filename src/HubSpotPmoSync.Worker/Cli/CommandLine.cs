using System.CommandLine;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Storage;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Cli;

/// <summary>
/// The command line of <c>hubspot-pmo-sync</c> (DESIGN.md "Command line"): parses, runs one command, and maps
/// every outcome to an exit code — 0 success, 1 runtime failure, 2 bad input.
/// </summary>
internal static class CommandLine
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, new CommandEnvironment(output, error, ConfigurationOverrides: null));

    public static async Task<int> RunAsync(string[] args, CommandEnvironment environment)
    {
        var root = Build(environment);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = environment.Output, Error = environment.Error, EnableDefaultExceptionHandler = false };

        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                await environment.Error.WriteLineAsync($"error: {e.Message}");
            }

            await environment.Error.WriteLineAsync("Run 'hubspot-pmo-sync --help' for the commands and their options.");
            return ExitCodes.BadInput;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C asks the command to stop after the page in flight; a second one kills the process.
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parse.InvokeAsync(invocation, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    internal static RootCommand Build(CommandEnvironment env)
    {
        var root = new RootCommand(
            "HubSpotPmoSync: syncs HubSpot deals, tickets, companies and projects with the delivery model, scores "
            + "project health and earned value, and writes them back to HubSpot.");

        // No command: print help and exit 2 (a bare invocation is a usage error).
        root.SetAction(parse =>
        {
            env.Error.WriteLine("error: a command is required.");
            WriteHelp(root, parse, env.Error);
            return ExitCodes.BadInput;
        });

        foreach (var command in Commands.CommandsCatalog.All(env))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static void WriteHelp(RootCommand root, ParseResult parse, TextWriter writer)
    {
        writer.WriteLine();
        writer.WriteLine("Commands:");
        foreach (var c in root.Subcommands)
        {
            writer.WriteLine($"  {c.Name,-12} {c.Description}");
        }

        writer.WriteLine();
        writer.WriteLine("Run 'hubspot-pmo-sync <command> --help' for a command's options.");
        _ = parse;
    }

    /// <summary>
    /// Runs a command body and turns its outcome into an exit code, printing errors without stack traces
    /// (and never a credential: exception messages of the CRM adapter carry none).
    /// </summary>
    internal static async Task<int> Guard(CommandEnvironment env, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UserInputException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OptionsValidationException e)
        {
            await WriteConfigurationErrorsAsync(env, [e]);
            return ExitCodes.BadInput;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // Several options sections failed at start: the host reports them together, and so does the command.
            await WriteConfigurationErrorsAsync(env, e.InnerExceptions.Cast<OptionsValidationException>());
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            await env.Error.WriteLineAsync("cancelled: stopped after the work in flight; nothing committed was lost.");
            return ExitCodes.RuntimeFailure;
        }
        catch (StorageAccessException e)
        {
            // Storage:DatabasePath names a file or folder this user may not write: the configuration, so exit 2.
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (StorageConfigurationException e)
        {
            // Storage:ConnectionString names a server that cannot be reached, a login refused, a database missing: exit 2.
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (CycleLockedException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (CrmMissingScopesException e)
        {
            // The operator's fix, like a bad setting: grant the scope.
            await env.Error.WriteLineAsync($"error: {e.Message} — add the scope to the service key's or app's scopes in HubSpot ('hubspot-pmo-sync doctor' checks them all)");
            return ExitCodes.BadInput;
        }
        catch (CrmAuthenticationException e)
        {
            await env.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (CrmException e)
        {
            await env.Error.WriteLineAsync($"error: HubSpot: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception e)
        {
            await env.Error.WriteLineAsync($"error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }

    private static async Task WriteConfigurationErrorsAsync(CommandEnvironment env, IEnumerable<OptionsValidationException> errors)
    {
        await env.Error.WriteLineAsync("error: the configuration is not valid:");
        foreach (var failure in errors.SelectMany(e => e.Failures).SelectMany(f => f.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            await env.Error.WriteLineAsync($"  {failure}");
        }
    }
}

/// <summary>
/// Where a command writes, what configuration it adds on top of the host's, and the clock it runs on (null: the
/// system clock). Tests and <c>demo</c> use the overrides and the clock.
/// </summary>
internal sealed record CommandEnvironment(
    TextWriter Output,
    TextWriter Error,
    IReadOnlyDictionary<string, string?>? ConfigurationOverrides,
    TimeProvider? Clock = null);
