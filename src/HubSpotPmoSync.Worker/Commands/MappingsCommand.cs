using System.CommandLine;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>mappings validate</c>: the mappings file against its schema and the local model, then against the portal's live
/// properties (existence, type compatibility, read-only). Errors exit 2 naming the spot; nothing is written anywhere.
/// </summary>
internal static class MappingsCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var offline = new Option<bool>("--offline") { Description = "Check the file and the local model only; do not ask the portal." };
        var validate = new Command("validate", "Check config/mappings.json against its schema, the local model and the portal's live properties.") { offline };
        validate.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            using var host = WorkerHost.CreateBuilder(env, sections: parse.GetValue(offline) ? ReadOnlySections.Mappings : null).Build();
            var provider = host.Services.GetRequiredService<MappingProvider>();
            var mappings = provider.Mappings;
            foreach (var warning in provider.Result.Errors.Where(e => !e.IsError))
            {
                await env.Output.WriteLineAsync(warning.ToString());
            }

            if (!parse.GetValue(offline))
            {
                await host.StartAsync(cancellationToken);
                var source = host.Services.GetRequiredService<ICrmSource>();
                var problems = await PortalMappingCheck.EnsureFitsAsync(mappings, source, cancellationToken);
                foreach (var warning in problems.Where(e => !e.IsError))
                {
                    await env.Output.WriteLineAsync(warning.ToString());
                }

                await host.StopAsync(cancellationToken);
            }

            await env.Output.WriteLineAsync(
                $"{provider.Path}: valid ({mappings.Objects.Count} objects, {mappings.Objects.Values.Sum(o => o.Fields.Count)} fields, {mappings.Associations.Count} association pairs{(parse.GetValue(offline) ? ", not checked against the portal" : ", checked against the portal")}).");
            return ExitCodes.Success;
        }));

        return new Command("mappings", "Work with the sync mappings (config/mappings.json).") { validate };
    }
}
