using System.CommandLine;
using HubSpotPmoSync.Worker.Cli;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>Every command of the product, in the order help lists them.</summary>
internal static class CommandsCatalog
{
    public static IEnumerable<Command> All(CommandEnvironment env)
    {
        yield return DemoCommand.Create(env);
        yield return DoctorCommand.Create(env);
        yield return RunCommand.Create(env);
        yield return SyncCommand.Create(env);
        yield return SchemaCommand.Create(env);
        yield return ImportCommand.Create(env);
        yield return HealthCommand.Create(env);
        yield return BudgetCommand.Create(env);
        yield return DlqCommand.Create(env);
        yield return MappingsCommand.Create(env);
        yield return ExportCommand.Create(env);
        yield return StatusCommand.Create(env);
        yield return StorageCommand.Create(env);
        yield return EmulatorCommand.Create(env);
    }
}
