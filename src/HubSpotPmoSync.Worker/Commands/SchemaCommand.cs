using System.CommandLine;
using HubSpotPmoSync.Core.Crm;
using HubSpotPmoSync.Core.Delivery;
using HubSpotPmoSync.Core.Mapping;
using HubSpotPmoSync.Core.WriteBack;
using HubSpotPmoSync.Core.Storage;
using HubSpotPmoSync.Worker.Cli;
using HubSpotPmoSync.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HubSpotPmoSync.Worker.Commands;

/// <summary>
/// <c>schema apply [--dry-run]</c>: creates what the mappings need and the portal lacks — the custom project object
/// (unless the native <c>projects</c> object is mapped), a property group and the properties — idempotently. An
/// existing property of another type exits 2 naming it, and nothing is created.
/// </summary>
internal static class SchemaCommand
{
    public static Command Create(CommandEnvironment env)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the exact list of changes and create nothing." };
        var apply = new Command("apply", "Create the project object, property group and properties the mappings need.") { dryRun };
        apply.SetAction((parse, cancellationToken) => CommandLine.Guard(env, async () =>
        {
            using var host = WorkerHost.CreateBuilder(env).Build();
            var mappings = host.Services.GetRequiredService<MappingProvider>().Mappings;
            await host.StartAsync(cancellationToken);
            var provisioner = host.Services.GetRequiredService<SchemaProvisioner>();
            var desired = DesiredFor(mappings);
            var result = await provisioner.ApplyAsync(desired, parse.GetValue(dryRun), cancellationToken);
            await env.Output.WriteAsync(result.Plan.Render());
            if (result.HasConflicts)
            {
                throw new UserInputException(["the portal has properties the product cannot use; nothing was created:", .. result.Plan.Conflicts.Select(c => "  " + c)]);
            }

            await env.Output.WriteLineAsync(result.DryRun
                ? $"dry run: {result.Plan.Changes.Count} change{(result.Plan.Changes.Count == 1 ? "" : "s")} planned, nothing created."
                : $"applied {result.Applied.Count} change{(result.Applied.Count == 1 ? "" : "s")}.");
            if (!result.DryRun && await HeldForAsync(desired, mappings, host.Services.GetRequiredService<IStorageView>(), cancellationToken) is > 0 and var held)
            {
                await env.Output.WriteLineAsync(
                    $"{held} dead letter{(held == 1 ? " holds a value" : "s hold values")} HubSpot rejected for properties now in place: if the schema was the cause (a missing property or option), 'dlq replay' sends {(held == 1 ? "it" : "them")} again.");
            }

            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }));
        return new Command("schema", "Provision the HubSpot schema the product writes to.") { apply };
    }

    /// <summary>The product's catalogue plus every outbound mapping field it does not already hold.</summary>
    internal static DesiredSchema DesiredFor(MappingSet mappings)
    {
        var projects = mappings.For(EntityKind.Project);
        var custom = projects is not null && !string.Equals(projects.HubSpotObject, CrmObjectTypes.Projects, StringComparison.Ordinal)
            && !string.Equals(projects.HubSpotObject, "0-970", StringComparison.Ordinal);
        var options = new ProductSchemaOptions { UseCustomProjectObject = custom, CustomObjectName = custom ? CustomName(projects!.HubSpotObject) : "pmo_project" };
        var catalogue = ProductSchema.Desired(options);
        var known = catalogue.Properties.Select(p => (p.ObjectType, p.Definition.Name)).ToHashSet();
        var extra = new List<DesiredProperty>();
        foreach (var mapping in mappings.Objects.Values)
        {
            var objectType = mapping.Kind == EntityKind.Project ? options.ProjectObjectType : mapping.HubSpotObject;
            foreach (var field in mapping.Fields.Where(f => f.IsOutbound))
            {
                if (known.Add((objectType, field.HubSpot)))
                {
                    extra.Add(new DesiredProperty(objectType, DefinitionFor(field, options.GroupName)));
                }
            }
        }

        return extra.Count == 0 ? catalogue : ProductSchema.Desired(new ProductSchemaOptions
        {
            UseCustomProjectObject = options.UseCustomProjectObject,
            CustomObjectName = options.CustomObjectName,
            ExtraProperties = extra,
        });
    }

    /// <summary>
    /// How many values HubSpot rejected (held dead letters) belong to properties schema apply manages, all in place once
    /// it succeeded: the likely fix of a rejection, which the operator then replays. Reads only; none before the first sync.
    /// </summary>
    private static async Task<int> HeldForAsync(DesiredSchema desired, MappingSet mappings, IStorageView storage, CancellationToken cancellationToken)
    {
        if (!await storage.ExistsAsync(cancellationToken))
        {
            return 0;
        }

        // The outbox names objects as the mappings do; the desired schema names a custom project object by its schema name.
        var project = mappings.For(EntityKind.Project)?.HubSpotObject;
        var others = mappings.Objects.Values.Where(m => m.Kind != EntityKind.Project).Select(m => m.HubSpotObject).ToHashSet(StringComparer.Ordinal);
        bool Manages(DesiredProperty property, OutboundChange value) =>
            property.Definition.Name == value.Property
            && (property.ObjectType == value.ObjectType || (value.ObjectType == project && !others.Contains(property.ObjectType)));

        var letters = await storage.ReadOnlyWriteBack.ListDeadLettersAsync(cancellationToken);
        return letters.Count(d => d.Rejected && desired.Properties.Any(p => Manages(p, d.Change)));
    }

    private static string CustomName(string hubSpotObject)
    {
        // p{portalId}_{name} → name; a 2-N id keeps the default name (the schema exists already).
        var underscore = hubSpotObject.IndexOf('_', StringComparison.Ordinal);
        return hubSpotObject.StartsWith('p') && underscore > 1 ? hubSpotObject[(underscore + 1)..] : hubSpotObject.StartsWith("2-", StringComparison.Ordinal) ? "pmo_project" : hubSpotObject;
    }

    private static CrmPropertyDefinition DefinitionFor(FieldMapping field, string group)
    {
        var label = string.Join(' ', field.HubSpot.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        return field.Transform.Kind switch
        {
            TransformKind.Number or TransformKind.Money => new CrmPropertyDefinition(field.HubSpot, label, "number", "number", group),
            TransformKind.Date => new CrmPropertyDefinition(field.HubSpot, label, "date", "date", group),
            TransformKind.DateTime => new CrmPropertyDefinition(field.HubSpot, label, "datetime", "date", group),
            TransformKind.Bool => new CrmPropertyDefinition(field.HubSpot, label, "bool", "booleancheckbox", group,
                Options: [new CrmPropertyOption("true", "Yes", 0), new CrmPropertyOption("false", "No", 1)]),
            TransformKind.EnumMap => new CrmPropertyDefinition(field.HubSpot, label, "enumeration", "select", group,
                Options: field.Transform.EnumMap!.Keys.Order(StringComparer.Ordinal).Select((v, i) => new CrmPropertyOption(v, v, i)).ToList()),
            _ => new CrmPropertyDefinition(field.HubSpot, label, "string", "text", group),
        };
    }
}
