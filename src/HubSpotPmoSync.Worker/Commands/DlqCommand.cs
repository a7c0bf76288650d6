using System.CommandLine;
using System.Globalization;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary><c>dlq list</c> / <c>dlq replay [ID]</c>: writes HubSpot rejected, with its reason; replay moves them back to the outbox.</summary>
internal static class DlqCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var list = new Command("list", "List the dead letters: record, property, value, HubSpot's category and message.");
        list.SetAction((_, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Storage).Build();
            await ExistingDatabase.RequireAsync(host.Services, cancellationToken);
            var letters = await host.Services.GetRequiredService<IWriteBackStore>().ListDeadLettersAsync(cancellationToken);
            await env.Output.WriteAsync(letters.Count == 0 ? "no dead letters.\n" : WriteBackText.DeadLetters(letters));
            return ExitCodes.Success;
        }));

        var id = new Argument<long?>("ID")
        {
            Description = "The dead letter to replay (its number in 'dlq list'); all when omitted.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = NumberArguments.DeadLetterId,
        };
        var replay = new Command("replay", "Move a dead letter (or all) back to the outbox; the next sync pushes it.") { id };
        replay.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            var which = parse.GetValue(id);
            using var host = WorkerHost.CreateBuilder(env, sections: ReadOnlySections.Storage).Build();
            await ExistingDatabase.RequireAsync(host.Services, cancellationToken);
            await host.Services.GetRequiredService<IStorageView>().EnsureWritableAsync(cancellationToken);
            var time = host.Services.GetRequiredService<TimeProvider>();
            var count = await host.Services.GetRequiredService<IWriteBackStore>().ReplayDeadLettersAsync(which, time.GetUtcNow(), cancellationToken);
            if (which is { } one && count == 0)
            {
                throw new UserInputException($"there is no dead letter {one.ToString(CultureInfo.InvariantCulture)}; 'dlq list' shows them.");
            }

            await env.Output.WriteLineAsync($"{count} dead letter{(count == 1 ? "" : "s")} moved back to the outbox; the next sync pushes them.");
            return ExitCodes.Success;
        }));
        return new Command("dlq", "Dead letters: writes HubSpot rejected.") { list, replay };
    }
}
