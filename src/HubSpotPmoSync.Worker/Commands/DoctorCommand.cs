using System.CommandLine;
using System.Globalization;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.HubSpot;
using HubSpotPmoSync.HubSpot.Diagnostics;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>doctor</c>: checks everything an operator must get right before the first sync — HubSpot reachable, the token
/// accepted, the API version served, every scope the mappings and <c>schema apply</c> need, the project object and
/// properties in place, the daily usage left for this worker, the local clock against HubSpot's, and the database path
/// — and prints one line each with a verdict and a fix. Reads only: nothing is created in HubSpot or on disk.
/// Exit 0 when every line passes (warnings allowed), 2 when the operator must fix something, 1 when HubSpot can't be
/// reached. The token never appears in its output.
/// </summary>
internal static class DoctorCommand
{
    /// <summary>Beyond this the clocks disagree enough to matter to the sync's windows (its settle pass re-reads an hour).</summary>
    internal static readonly TimeSpan ClockFailAt = TimeSpan.FromMinutes(1);

    /// <summary>HubSpot's <c>Date</c> has a resolution of one second; more than this is worth a warning.</summary>
    internal static readonly TimeSpan ClockWarnAt = TimeSpan.FromSeconds(5);

    public static Command Create(CommandEnvironment env)
    {
        var command = new Command("doctor", "Check the connection, token, API version, scopes, schema, daily usage, clock and database path before the first sync.");
        command.SetAction((_, cancellationToken) => CommandLine.Guard(env, () => RunAsync(env, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(CommandEnvironment env, CancellationToken cancellationToken)
    {
        using var host = WorkerHost.CreateBuilder(env).Build();
        var services = host.Services;
        var mappings = services.GetRequiredService<MappingProvider>().Mappings;
        await host.StartAsync(cancellationToken);

        var hubSpot = services.GetRequiredService<IOptions<HubSpotOptions>>().Value;
        var diagnostics = services.GetRequiredService<IHubSpotDiagnostics>();
        var clock = services.GetRequiredService<TimeProvider>();
        var checks = new List<DoctorCheck>();

        var ping = await diagnostics.PingAsync(cancellationToken);
        var localAtAnswer = clock.GetUtcNow();
        checks.Add(Reachability(ping));
        if (ping.Reachable)
        {
            checks.Add(Token(ping));
            checks.Add(Version(ping));
        }

        var canAsk = ping.Reachable && ping.Token != HubSpotTokenStatus.Rejected && ping.Version != HubSpotVersionStatus.NotServed;
        SchemaApplyResult? schema = null;
        DoctorCheck? schemaCheck = null;
        if (canAsk)
        {
            (schema, schemaCheck) = await SchemaAsync(services, mappings, cancellationToken);
            var required = HubSpotScopes.Required(mappings, forSchemaApply: true);
            var scopes = await diagnostics.CheckScopesAsync(required, cancellationToken);
            var schemaApplyNeeded = schema is null || schema.Plan.Changes.Count > 0;
            checks.AddRange(scopes.Select(s => Scope(s, required, schemaApplyNeeded)));
            checks.Add(schemaCheck);
            checks.Add(await DailyUsageAsync(diagnostics, hubSpot, cancellationToken));
            checks.Add(Clock(ping, localAtAnswer));
        }

        var storageOptions = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        checks.Add(storageOptions.IsPostgres
            ? await PostgresDatabaseAsync(services.GetRequiredService<Core.Storage.IStorageView>(), cancellationToken)
            : DatabasePath(storageOptions));

        Render(env, hubSpot, checks);
        await host.StopAsync(CancellationToken.None);

        var failures = checks.Count(c => c.Verdict == DoctorVerdict.Fail);
        var exit = !ping.Reachable ? ExitCodes.RuntimeFailure : failures > 0 ? ExitCodes.BadInput : ExitCodes.Success;
        await env.Output.WriteLineAsync(exit switch
        {
            ExitCodes.Success => $"doctor: all {checks.Count} checks passed{(checks.Any(c => c.Verdict == DoctorVerdict.Warn) ? " (with warnings)" : "")}.",
            ExitCodes.RuntimeFailure => "doctor: HubSpot can't be reached; the checks that need it were skipped.",
            _ => $"doctor: {failures} of {checks.Count} check{(checks.Count == 1 ? "" : "s")} failed; fix {(failures == 1 ? "it" : "them")} before the first sync.",
        });
        return exit;
    }

    internal static DoctorCheck Reachability(HubSpotPing ping) => ping.Reachable
        ? new("HubSpot reachable", DoctorVerdict.Pass, $"{ping.Call} answered {ping.StatusCode} in {HumanDuration.Format(ping.RoundTrip ?? TimeSpan.Zero)}", null)
        : new("HubSpot reachable", DoctorVerdict.Fail, $"{ping.BaseAddress}: {ping.UnreachableReason}", "check HubSpot:BaseAddress, the network and any proxy between this machine and HubSpot");

    internal static DoctorCheck Token(HubSpotPing ping) => ping.Token switch
    {
        HubSpotTokenStatus.Accepted => new("token accepted", DoctorVerdict.Pass, "HubSpot authenticated the call", null),
        HubSpotTokenStatus.Rejected => new("token accepted", DoctorVerdict.Fail, $"HubSpot answered 401{(ping.Detail is { } d ? ": " + d : "")}",
            "set HubSpot:AccessToken to a service key (Development › Keys › Service keys) or a static-auth project app's token"),
        _ => new("token accepted", DoctorVerdict.Warn, $"could not tell: HubSpot answered {ping.StatusCode}{(ping.Detail is { } u ? ": " + u : "")}", "run doctor again; if it persists, check HubSpot's status page"),
    };

    internal static DoctorCheck Version(HubSpotPing ping) => ping.Version switch
    {
        HubSpotVersionStatus.Served => new("API version served", DoctorVerdict.Pass, $"HubSpot:ApiVersion {ping.ApiVersion}", null),
        HubSpotVersionStatus.NotServed => new("API version served", DoctorVerdict.Fail, $"HubSpot:ApiVersion {ping.ApiVersion} is not served here{(ping.Detail is { } d ? ": " + d : "")}",
            "set HubSpot:ApiVersion to a version HubSpot serves (2026-03, 2026-09, or legacy)"),
        _ => new("API version served", DoctorVerdict.Warn, $"could not tell whether {ping.ApiVersion} is served", "run doctor again"),
    };

    internal static DoctorCheck Scope(HubSpotScopeCheck check, IReadOnlyList<HubSpotScopeRequirement> required, bool schemaApplyNeeded)
    {
        var name = "scope " + check.Scope;
        var onlySchemaApply = required.FirstOrDefault(r => r.Scope == check.Scope) is { Probe: HubSpotScopeProbe.SchemaWrite or HubSpotScopeProbe.CustomSchemaWrite };
        return check.Status switch
        {
            HubSpotScopeStatus.Present => new(name, DoctorVerdict.Pass, $"granted (needed to {check.Reason})", null),
            HubSpotScopeStatus.Missing when onlySchemaApply && !schemaApplyNeeded =>
                new(name, DoctorVerdict.Warn, $"missing; needed only to {check.Reason}, and the schema is in place", $"add {check.Scope} to the token's scopes before a future schema apply"),
            HubSpotScopeStatus.Missing => new(name, DoctorVerdict.Fail, $"missing: needed to {check.Reason}",
                $"add {check.Scope} to the service key's or app's scopes in HubSpot, then run doctor again"),
            _ => new(name, DoctorVerdict.Warn, $"could not tell ({check.Detail ?? "no answer"}); needed to {check.Reason}", "run doctor again"),
        };
    }

    /// <summary>What <c>schema apply --dry-run</c> would do: nothing to create passes; changes or conflicts fail.</summary>
    private static async Task<(SchemaApplyResult?, DoctorCheck)> SchemaAsync(IServiceProvider services, Core.Mapping.MappingSet mappings, CancellationToken cancellationToken)
    {
        const string Name = "project object and properties";
        try
        {
            var desired = SchemaCommand.DesiredFor(mappings);
            var result = await services.GetRequiredService<SchemaProvisioner>().ApplyAsync(desired, dryRun: true, cancellationToken);
            var plan = result.Plan;
            var project = mappings.For(Core.Delivery.EntityKind.Project)?.HubSpotObject ?? "projects";
            if (!plan.IsValid)
            {
                return (result, new(Name, DoctorVerdict.Fail, $"{plan.Conflicts.Count} conflict{(plan.Conflicts.Count == 1 ? "" : "s")}: {plan.Conflicts[0]}",
                    "see 'schema apply --dry-run'; rename or restore the conflicting properties in HubSpot"));
            }

            return plan.Changes.Count == 0
                ? (result, new(Name, DoctorVerdict.Pass, $"the project object ({project}) and the {plan.Unchanged} properties the product writes are in place", null))
                : (result, new(Name, DoctorVerdict.Fail, $"schema apply needed: {plan.Changes.Count} change{(plan.Changes.Count == 1 ? "" : "s")}, e.g. {plan.Changes[0].Describe()}",
                    "run 'hubspot-pmo-sync schema apply' (see 'schema apply --dry-run' first)"));
        }
        catch (CrmMissingScopesException e)
        {
            return (null, new(Name, DoctorVerdict.Fail, $"could not read the schema: {e.Message}", "grant the missing scope (see the scope lines)"));
        }
    }

    private static async Task<DoctorCheck> DailyUsageAsync(IHubSpotDiagnostics diagnostics, HubSpotOptions options, CancellationToken cancellationToken)
    {
        const string Name = "daily usage";
        HubSpotDailyUsage? usage;
        try
        {
            usage = await diagnostics.GetDailyUsageAsync(cancellationToken);
        }
        catch (CrmException e)
        {
            return new(Name, DoctorVerdict.Warn, $"could not read it: {e.Message}", "run doctor again");
        }

        return Usage(usage, options.DailyQuotaShare);
    }

    /// <summary>
    /// The worker stops calling once fewer than (1 − share) × limit calls are left today (HubSpot:DailyQuotaShare): what is
    /// left for it is the remaining calls less that reserve.
    /// </summary>
    internal static DoctorCheck Usage(HubSpotDailyUsage? usage, double share)
    {
        const string Name = "daily usage";
        if (usage is null)
        {
            return new(Name, DoctorVerdict.Warn, "HubSpot reports no daily usage for this token; the worker sizes its quota from HubSpot:Tier", null);
        }

        var resets = usage.ResetsAt is { } at ? $"; resets {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC" : "";
        if (usage.UsageLimit is not { } limit)
        {
            return new(Name, DoctorVerdict.Pass, $"{usage.CurrentUsage:N0} calls used today (no limit reported){resets}", null);
        }

        var reserve = (long)Math.Ceiling((1 - share) * limit);
        var left = usage.Remaining!.Value - reserve;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{usage.CurrentUsage:N0} of {limit:N0} used; {Math.Max(0, left):N0} left for this worker (HubSpot:DailyQuotaShare {share:0.##} keeps {reserve:N0} for other integrations){resets}");
        return left switch
        {
            <= 0 => new(Name, DoctorVerdict.Fail, text, "wait for the daily reset, or raise HubSpot:DailyQuotaShare if the other integrations can spare it"),
            _ when left < share * limit * 0.1 => new(Name, DoctorVerdict.Warn, text, "less than a tenth of this worker's share is left today"),
            _ => new(Name, DoctorVerdict.Pass, text, null),
        };
    }

    /// <summary>The local clock against HubSpot's <c>Date</c>, read when the answer arrived (its 1 s resolution allowed for).</summary>
    internal static DoctorCheck Clock(HubSpotPing ping, DateTimeOffset localAtAnswer)
    {
        const string Name = "clock";
        if (ping.ServerDate is not { } server)
        {
            return new(Name, DoctorVerdict.Warn, "HubSpot's answer carried no Date header", null);
        }

        // Date is truncated to the second: the server's time at the answer lies in [server, server + 1 s).
        var skew = localAtAnswer - server;
        var beyond = skew < TimeSpan.Zero ? skew.Duration() : skew > TimeSpan.FromSeconds(1) ? skew - TimeSpan.FromSeconds(1) : TimeSpan.Zero;
        var direction = skew < TimeSpan.Zero ? "behind" : "ahead of";
        var text = beyond == TimeSpan.Zero ? "agrees with HubSpot's Date header (within its 1 s resolution)" : $"{HumanDuration.Format(beyond)} {direction} HubSpot's";
        return beyond > ClockFailAt
            ? new(Name, DoctorVerdict.Fail, text, "synchronise this machine's clock (NTP): the sync's windows and cursors compare it with HubSpot's times")
            : beyond > ClockWarnAt
                ? new(Name, DoctorVerdict.Warn, text, "synchronise this machine's clock (NTP)")
                : new(Name, DoctorVerdict.Pass, text, null);
    }

    /// <summary>Whether the PostgreSQL database <c>Storage:ConnectionString</c> names answers — checked without creating anything.</summary>
    internal static async Task<DoctorCheck> PostgresDatabaseAsync(Core.Storage.IStorageView storage, CancellationToken cancellationToken)
    {
        const string Name = "database";
        try
        {
            return await storage.ExistsAsync(cancellationToken)
                ? new(Name, DoctorVerdict.Pass, $"{storage.Description} answers and holds the product's tables", null)
                : new(Name, DoctorVerdict.Pass, $"{storage.Description} answers; the first sync creates the tables", null);
        }
        catch (Core.Storage.StorageConfigurationException e)
        {
            return new(Name, DoctorVerdict.Fail, e.Message, "check Storage:ConnectionString (host, port, database, user, password) and that the server runs");
        }
    }

    /// <summary>Whether the worker can create or open <c>Storage:DatabasePath</c> for writing — checked without creating it.</summary>
    internal static DoctorCheck DatabasePath(StorageOptions storage)
    {
        const string Name = "database path";
        var path = WorkerHost.ResolvePath(storage.DatabasePath);
        const string Fix = "set Storage:DatabasePath to a file in a folder this user can write";
        try
        {
            if (Directory.Exists(path))
            {
                return new(Name, DoctorVerdict.Fail, $"{path} is a folder", Fix);
            }

            if (File.Exists(path))
            {
                if ((File.GetAttributes(path) & FileAttributes.ReadOnly) != 0 || !CanOpenForWriting(path))
                {
                    return new(Name, DoctorVerdict.Fail, $"{path} exists but can't be opened for writing", Fix + ", or give this user write access to the file");
                }

                return new(Name, DoctorVerdict.Pass, $"{path} exists and is writable", null);
            }

            // Not there yet: the first sync creates it and its missing folders, under the nearest folder that exists.
            var folder = Path.GetDirectoryName(path)!;
            var existing = folder;
            while (!Directory.Exists(existing))
            {
                if (File.Exists(existing))
                {
                    return new(Name, DoctorVerdict.Fail, $"{existing} is a file, so {path} can't be created", Fix);
                }

                existing = Path.GetDirectoryName(existing);
                if (existing is null)
                {
                    return new(Name, DoctorVerdict.Fail, $"no folder of {path} exists", Fix);
                }
            }

            if (!CanCreateIn(existing))
            {
                return new(Name, DoctorVerdict.Fail, $"{existing} is not writable, so {path} can't be created", Fix);
            }

            return new(Name, DoctorVerdict.Pass, $"{path} does not exist yet; the first sync creates it{(existing == folder ? "" : $" (and the folders below {existing})")}", null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new(Name, DoctorVerdict.Fail, $"{path}: {e.Message}", Fix);
        }
    }

    private static bool CanOpenForWriting(string path)
    {
        try
        {
            // Opened for writing and closed at once: nothing is written.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool CanCreateIn(string folder)
    {
        try
        {
            // A hidden probe file, gone when closed: the folder holds nothing new afterwards.
            using var probe = new FileStream(Path.Combine(folder, $".hubspot-pmo-sync-doctor-{Environment.ProcessId}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Render(CommandEnvironment env, HubSpotOptions hubSpot, IReadOnlyList<DoctorCheck> checks)
    {
        var width = ConsoleText.WidthFor(env.Output);
        env.Output.Write(ConsoleText.Wrap($"doctor: {hubSpot.BaseAddress} (HubSpot:ApiVersion {hubSpot.ApiVersion}, tier {hubSpot.Tier.ToString().ToLowerInvariant()})\n", width));
        var table = ConsoleText.Table(
            ["check", "verdict", "detail", "fix"],
            [false, false, false, false],
            checks.Select(c => (IReadOnlyList<string>)[c.Name, c.Verdict switch { DoctorVerdict.Pass => "ok", DoctorVerdict.Warn => "WARN", _ => "FAIL" }, c.Detail, c.Fix ?? ""]));
        env.Output.Write(ConsoleText.Render(table, width));
    }
}

/// <summary>A line of <c>doctor</c>'s table.</summary>
internal sealed record DoctorCheck(string Name, DoctorVerdict Verdict, string Detail, string? Fix);

/// <summary>A check's verdict: pass, warn (the sync can run, but look), fail (fix before the first sync).</summary>
internal enum DoctorVerdict
{
    Pass,
    Warn,
    Fail,
}
