using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Commands;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Hosting;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using Quartz.Impl.Triggers;

namespace HubSpotPmoSync.Worker.Tests.Hosting;

/// <summary>The composition root: the real host built from in-memory configuration, as every command builds it.</summary>
public sealed class WorkerHostTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pmo-host-");

    [Fact]
    public void CreateBuilder_ValidConfiguration_ResolvesTheCompositionRoot()
    {
        using var host = CreateHost();

        Assert.NotNull(host.Services.GetRequiredService<DeliveryCycle>());
        Assert.NotNull(host.Services.GetRequiredService<SyncRunner>());
        Assert.NotNull(host.Services.GetRequiredService<ICrmSource>());
        Assert.NotNull(host.Services.GetRequiredService<ICrmWriter>());
        Assert.NotNull(host.Services.GetRequiredService<IDeliveryStore>());
        Assert.NotNull(host.Services.GetRequiredService<IWriteBackStore>());
        Assert.Same(TimeProvider.System, host.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void CreateBuilder_OneShotCommand_SchedulesNothing()
    {
        using var host = CreateHost();

        Assert.Null(host.Services.GetService<ISchedulerFactory>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s.GetType().Namespace?.StartsWith("Quartz", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task StartAsync_NonUriBaseAddress_FailsNamingTheKey()
    {
        using var host = CreateHost(("HubSpot:BaseAddress", "not a uri"));

        var failures = await StartFailuresAsync(host);

        Assert.Contains(failures, f => f.Contains("HubSpot:BaseAddress", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Schedule:ReconcileCron", "every night at two")]
    [InlineData("Schedule:IncrementalEvery", "00:00:01")]
    [InlineData("Schedule:TimeZone", "Middle/Earth")]
    [InlineData("Storage:DatabasePath", " ")]
    [InlineData("HubSpot:AccessToken", "")]
    [InlineData("Sync:MaxRejectedShare", "1.5")]
    public async Task StartAsync_BadOption_FailsNamingTheKey(string key, string value)
    {
        using var host = CreateHost((key, value));

        var failures = await StartFailuresAsync(host);

        Assert.Contains(failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_SeveralBadOptions_ListsEveryError()
    {
        using var host = CreateHost(
            ("HubSpot:BaseAddress", "not a uri"),
            ("Schedule:ReconcileCron", "every night at two"),
            ("Schedule:IncrementalEvery", "00:00:01"),
            ("Storage:DatabasePath", " "));

        var failures = await StartFailuresAsync(host);

        foreach (var key in new[] { "HubSpot:BaseAddress", "Schedule:ReconcileCron", "Schedule:IncrementalEvery", "Storage:DatabasePath" })
        {
            Assert.Contains(failures, f => f.Contains(key, StringComparison.Ordinal));
        }

        Assert.False(File.Exists(" "));
    }

    [Fact]
    public async Task RunHost_HasBothJobsWithTheConfiguredIntervalAndCron()
    {
        using var host = RunCommand.BuildHost(Env(("Schedule:IncrementalEvery", "00:02:30"), ("Schedule:ReconcileCron", "0 15 3 ? * MON-FRI")));
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        try
        {
            var jobs = await scheduler.GetJobKeys(GroupMatcher<JobKey>.AnyGroup());
            Assert.Equal(
                new[] { ReconcileJob.Key, IncrementalSyncJob.Key }.OrderBy(k => k.Name),
                jobs.OrderBy(k => k.Name));

            var incremental = Assert.Single(await scheduler.GetTriggersOfJob(IncrementalSyncJob.Key));
            var simple = Assert.IsAssignableFrom<ISimpleTrigger>(incremental);
            Assert.Equal(TimeSpan.FromSeconds(150), simple.RepeatInterval);
            Assert.Equal(SimpleTriggerImpl.RepeatIndefinitely, simple.RepeatCount);
            Assert.Equal(IncrementalSyncJob.Trigger, incremental.Key);

            var reconcile = Assert.Single(await scheduler.GetTriggersOfJob(ReconcileJob.Key));
            var cron = Assert.IsAssignableFrom<ICronTrigger>(reconcile);
            Assert.Equal("0 15 3 ? * MON-FRI", cron.CronExpressionString);
            Assert.Equal(TimeZoneInfo.Local.Id, cron.TimeZone.Id);

            var incrementalJob = await scheduler.GetJobDetail(IncrementalSyncJob.Key);
            var reconcileJob = await scheduler.GetJobDetail(ReconcileJob.Key);
            Assert.Equal(typeof(IncrementalSyncJob), incrementalJob!.JobType.Type);
            Assert.Equal(typeof(ReconcileJob), reconcileJob!.JobType.Type);
            Assert.True(incrementalJob.ConcurrentExecutionDisallowed);
            Assert.True(reconcileJob.ConcurrentExecutionDisallowed);
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }

    /// <summary>
    /// <c>Schedule:TimeZone</c>: 02:00 in Berlin, whatever the server's zone. The next fire after an instant in summer
    /// and one in winter is 00:00 and 01:00 UTC (daylight saving time followed).
    /// </summary>
    [Fact]
    public async Task RunHost_TimeZone_TheReconcileCronIsReadInIt()
    {
        using var host = RunCommand.BuildHost(Env(("Schedule:ReconcileCron", "0 0 2 * * ?"), ("Schedule:TimeZone", "Europe/Berlin")));
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        try
        {
            var cron = Assert.IsAssignableFrom<ICronTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(ReconcileJob.Key)));
            Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"), cron.TimeZone);

            // The configured trigger, started earlier so that it answers for any instant of 2026.
            var copy = (CronTriggerImpl)cron.Clone();
            copy.StartTimeUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            Assert.Equal(new DateTimeOffset(2026, 7, 2, 0, 0, 0, TimeSpan.Zero), copy.GetFireTimeAfter(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)));
            Assert.Equal(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero), copy.GetFireTimeAfter(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)));
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }

    [Fact]
    public void RunHost_JobsResolveFromTheContainer()
    {
        using var host = RunCommand.BuildHost(Env());

        Assert.NotNull(ActivatorUtilities.CreateInstance<IncrementalSyncJob>(host.Services));
        Assert.NotNull(ActivatorUtilities.CreateInstance<ReconcileJob>(host.Services));
        Assert.Same(host.Services.GetRequiredService<CycleGate>(), host.Services.GetRequiredService<CycleGate>());
        Assert.Equal(TimeSpan.FromMinutes(5), host.Services.GetRequiredService<IOptions<SyncScheduleOptions>>().Value.IncrementalEvery);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static async Task<List<string>> StartFailuresAsync(IHost host)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        return Flatten(e).ToList();
    }

    private static IEnumerable<string> Flatten(Exception e) => e switch
    {
        AggregateException a => a.InnerExceptions.SelectMany(Flatten),
        OptionsValidationException o => o.Failures,
        _ => [e.Message],
    };

    private IHost CreateHost(params (string Key, string Value)[] settings) => WorkerHost.CreateBuilder(Env(settings)).Build();

    private CommandEnvironment Env(params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:9/",
            ["HubSpot:AccessToken"] = "test-token",
            ["Storage:DatabasePath"] = Path.Combine(_dir.FullName, "host.db"),
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        return new CommandEnvironment(TextWriter.Null, TextWriter.Null, overrides);
    }
}
