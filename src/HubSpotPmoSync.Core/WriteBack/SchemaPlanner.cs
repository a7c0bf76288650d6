using System.Globalization;
using System.Text;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Core.WriteBack;

/// <summary>The kinds of change <c>schema apply</c> makes.</summary>
public enum SchemaChangeKind
{
    /// <summary>Create the custom project object (with its primary and required properties).</summary>
    CreateSchema,

    /// <summary>Create the product's property group on an object.</summary>
    CreateGroup,

    /// <summary>Create a property.</summary>
    CreateProperty,

    /// <summary>Add missing options to an existing enumeration property (existing options are kept).</summary>
    AddOptions,
}

/// <summary>One change of a schema plan.</summary>
/// <param name="ObjectType">The object type as named in the desired schema (the custom object's name before it exists).</param>
public sealed record SchemaChange(
    SchemaChangeKind Kind,
    string ObjectType,
    CrmPropertyGroup? Group = null,
    CrmPropertyDefinition? Property = null,
    CrmObjectSchema? Schema = null)
{
    public string Describe() => Kind switch
    {
        SchemaChangeKind.CreateSchema => $"create object schema {Schema!.Name} ({Schema.SingularLabel}/{Schema.PluralLabel}, primary {Schema.PrimaryDisplayProperty}, required {string.Join(",", Schema.RequiredProperties)}, associated with {string.Join(",", Schema.AssociatedObjects)})",
        SchemaChangeKind.CreateGroup => $"create property group {ObjectType}.{Group!.Name} \"{Group.Label}\"",
        SchemaChangeKind.CreateProperty => $"create property {ObjectType}.{Property!.Name} ({Property.Type}/{Property.FieldType}{(Property.HasUniqueValue ? ", unique" : string.Empty)}{Options(Property)})",
        SchemaChangeKind.AddOptions => $"add options to {ObjectType}.{Property!.Name}{Options(Property)}",
        _ => Kind.ToString(),
    };

    private static string Options(CrmPropertyDefinition property) =>
        property.Options is { Count: > 0 } options ? " [" + string.Join("|", options.Select(o => o.Value)) + "]" : string.Empty;
}

/// <summary>An existing property that the product cannot use as it is; nothing is created while one exists.</summary>
public sealed record SchemaConflict(string ObjectType, string PropertyName, string Reason)
{
    public override string ToString() => $"{ObjectType}.{PropertyName}: {Reason}";
}

/// <summary>
/// What <c>schema apply</c> would change, the conflicts that forbid it, and how each desired object type is
/// addressed in the API (a custom object by its <c>2-…</c> id once it exists).
/// </summary>
public sealed record SchemaPlan(
    IReadOnlyList<SchemaChange> Changes,
    IReadOnlyList<SchemaConflict> Conflicts,
    int Unchanged,
    IReadOnlyDictionary<string, string> ObjectTypeIds)
{
    /// <summary>Whether the plan can be applied (no conflict).</summary>
    public bool IsValid => Conflicts.Count == 0;

    /// <summary>The exact list <c>schema apply --dry-run</c> prints.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var conflict in Conflicts)
        {
            text.Append("CONFLICT ").Append(conflict).Append('\n');
        }

        foreach (var change in Changes)
        {
            text.Append("  + ").Append(change.Describe()).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"{Changes.Count} change{(Changes.Count == 1 ? string.Empty : "s")}, {Unchanged} unchanged, {Conflicts.Count} conflict{(Conflicts.Count == 1 ? string.Empty : "s")}");
        if (!IsValid)
        {
            text.Append(" - nothing will be created until the conflicts are resolved");
        }

        return text.Append('\n').ToString();
    }
}

/// <summary>Compares what the product needs with what the portal has (pure).</summary>
public static class SchemaPlanner
{
    /// <param name="existingProperties">The portal's properties per object type, keyed as in <paramref name="desired"/>.</param>
    /// <param name="existingGroups">The portal's property groups per object type, keyed as in <paramref name="desired"/>.</param>
    /// <param name="existingSchemas">The portal's custom object schemas (only read when a custom project object is desired).</param>
    /// <param name="archivedProperties">
    /// The portal's archived (deleted) properties per object type: a missing property whose name one of them holds
    /// cannot be created (HubSpot answers 409) and is a conflict telling to restore it.
    /// </param>
    public static SchemaPlan Plan(
        DesiredSchema desired,
        IReadOnlyDictionary<string, IReadOnlyList<CrmPropertyDefinition>> existingProperties,
        IReadOnlyDictionary<string, IReadOnlyList<CrmPropertyGroup>> existingGroups,
        IReadOnlyList<CrmObjectSchema> existingSchemas,
        IReadOnlyDictionary<string, IReadOnlyList<CrmPropertyDefinition>>? archivedProperties = null)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(existingProperties);
        ArgumentNullException.ThrowIfNull(existingGroups);
        ArgumentNullException.ThrowIfNull(existingSchemas);

        var changes = new List<SchemaChange>();
        var conflicts = new List<SchemaConflict>();
        var unchanged = 0;
        var ids = desired.ObjectTypes.ToDictionary(t => t, t => t, StringComparer.Ordinal);
        var createdWithSchema = new HashSet<string>(StringComparer.Ordinal);
        var schemaProperties = new Dictionary<string, CrmPropertyDefinition>(StringComparer.Ordinal);

        if (desired.CustomObject is { } custom)
        {
            var schema = existingSchemas.FirstOrDefault(s => string.Equals(s.Name, custom.Name, StringComparison.OrdinalIgnoreCase));
            if (schema is null)
            {
                changes.Add(new SchemaChange(SchemaChangeKind.CreateSchema, custom.Name, Schema: custom));
                createdWithSchema.UnionWith(custom.Properties.Select(p => p.Name));
            }
            else
            {
                ids[custom.Name] = string.IsNullOrEmpty(schema.ObjectTypeId) ? schema.FullyQualifiedName : schema.ObjectTypeId;
                foreach (var property in schema.Properties)
                {
                    schemaProperties.TryAdd(property.Name, property);
                }

                unchanged++;
            }
        }

        foreach (var objectType in desired.ObjectTypes)
        {
            var groups = existingGroups.TryGetValue(objectType, out var g) ? g : [];
            if (groups.Any(x => x.Name == desired.Group.Name))
            {
                unchanged++;
            }
            else
            {
                changes.Add(new SchemaChange(SchemaChangeKind.CreateGroup, objectType, Group: desired.Group));
            }

            var existing = new Dictionary<string, CrmPropertyDefinition>(StringComparer.Ordinal);
            foreach (var property in existingProperties.TryGetValue(objectType, out var p) ? p : [])
            {
                existing.TryAdd(property.Name, property);
            }

            if (desired.CustomObject?.Name == objectType)
            {
                foreach (var (name, property) in schemaProperties)
                {
                    existing.TryAdd(name, property);
                }
            }

            foreach (var want in desired.Properties.Where(d => d.ObjectType == objectType).Select(d => d.Definition))
            {
                if (desired.CustomObject?.Name == objectType && createdWithSchema.Contains(want.Name))
                {
                    continue;
                }

                if (!existing.TryGetValue(want.Name, out var have))
                {
                    if (archivedProperties is not null && archivedProperties.TryGetValue(objectType, out var archived) && archived.Any(a => a.Name == want.Name))
                    {
                        conflicts.Add(new SchemaConflict(
                            objectType,
                            want.Name,
                            "was deleted in HubSpot and is archived under this name, which HubSpot keeps: restore it in HubSpot (Settings > Properties > Archived properties), then run schema apply again"));
                        continue;
                    }

                    changes.Add(new SchemaChange(SchemaChangeKind.CreateProperty, objectType, Property: want));
                    continue;
                }

                var reasons = Conflicts(want, have);
                if (reasons.Count > 0)
                {
                    conflicts.Add(new SchemaConflict(objectType, want.Name, string.Join("; ", reasons)));
                    continue;
                }

                var missing = (want.Options ?? []).Where(o => !(have.Options ?? []).Any(h => h.Value == o.Value)).ToList();
                if (missing.Count > 0)
                {
                    var merged = (have.Options ?? []).Concat(missing.Select((o, i) => o with { DisplayOrder = (have.Options?.Count ?? 0) + i })).ToList();
                    changes.Add(new SchemaChange(SchemaChangeKind.AddOptions, objectType, Property: have with { Options = merged }));
                    continue;
                }

                unchanged++;
            }
        }

        return new SchemaPlan(changes, conflicts, unchanged, ids);
    }

    private static List<string> Conflicts(CrmPropertyDefinition want, CrmPropertyDefinition have)
    {
        var reasons = new List<string>();
        if (!string.Equals(want.Type, have.Type, StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add($"exists with type {have.Type}, needs {want.Type}");
        }
        else if (!string.Equals(want.FieldType, have.FieldType, StringComparison.OrdinalIgnoreCase))
        {
            reasons.Add($"exists with field type {have.FieldType}, needs {want.FieldType}");
        }

        if (want.HasUniqueValue && !have.HasUniqueValue)
        {
            reasons.Add("exists without hasUniqueValue, which cannot be changed later; the product upserts on it");
        }

        if (have.ReadOnlyValue || have.Calculated)
        {
            reasons.Add("exists as a read-only (calculated) property; the product writes it");
        }

        return reasons;
    }
}

/// <summary>What <c>schema apply</c> did.</summary>
/// <param name="Applied">The changes made, in order (none when the plan had a conflict).</param>
/// <param name="ObjectTypeIds">How each desired object type is addressed in the API after the run.</param>
public sealed record SchemaApplyResult(
    SchemaPlan Plan,
    IReadOnlyList<SchemaChange> Applied,
    IReadOnlyDictionary<string, string> ObjectTypeIds,
    bool DryRun)
{
    /// <summary>Whether the desired schema could not be applied because of conflicts (the command exits 2).</summary>
    public bool HasConflicts => !Plan.IsValid;
}

/// <summary>
/// Reads the portal's schema, plans, and creates what is missing: the custom project object, the property group,
/// the properties and missing enumeration options. Nothing is created while the plan has a conflict. A second run
/// finds everything in place and changes nothing.
/// </summary>
public sealed class SchemaProvisioner
{
    private readonly ICrmSource _source;
    private readonly ICrmWriter _writer;

    public SchemaProvisioner(ICrmSource source, ICrmWriter writer)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writer);
        _source = source;
        _writer = writer;
    }

    /// <summary>Reads the portal (properties, groups, and schemas when a custom object is desired) and plans. Writes nothing.</summary>
    public async Task<SchemaPlan> PlanAsync(DesiredSchema desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        IReadOnlyList<CrmObjectSchema> schemas = desired.CustomObject is null ? [] : await _source.GetSchemasAsync(cancellationToken);
        var properties = new Dictionary<string, IReadOnlyList<CrmPropertyDefinition>>(StringComparer.Ordinal);
        var groups = new Dictionary<string, IReadOnlyList<CrmPropertyGroup>>(StringComparer.Ordinal);
        var apiTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var objectType in desired.ObjectTypes)
        {
            var apiType = objectType;
            if (desired.CustomObject?.Name == objectType)
            {
                var schema = schemas.FirstOrDefault(s => string.Equals(s.Name, objectType, StringComparison.OrdinalIgnoreCase));
                if (schema is null)
                {
                    continue;
                }

                apiType = string.IsNullOrEmpty(schema.ObjectTypeId) ? schema.FullyQualifiedName : schema.ObjectTypeId;
            }

            apiTypes[objectType] = apiType;
            properties[objectType] = await _source.GetPropertiesAsync(apiType, cancellationToken);
            groups[objectType] = await _writer.GetPropertyGroupsAsync(apiType, cancellationToken);
        }

        var plan = SchemaPlanner.Plan(desired, properties, groups, schemas);
        var creating = plan.Changes.Where(c => c.Kind == SchemaChangeKind.CreateProperty && apiTypes.ContainsKey(c.ObjectType)).Select(c => c.ObjectType).Distinct().ToList();
        if (creating.Count == 0)
        {
            return plan;
        }

        // A property to create may be one someone deleted: HubSpot keeps its name archived and refuses a new one.
        var archived = new Dictionary<string, IReadOnlyList<CrmPropertyDefinition>>(StringComparer.Ordinal);
        foreach (var objectType in creating)
        {
            archived[objectType] = await _source.GetArchivedPropertiesAsync(apiTypes[objectType], cancellationToken);
        }

        return SchemaPlanner.Plan(desired, properties, groups, schemas, archived);
    }

    /// <summary>Plans, then applies unless <paramref name="dryRun"/> or the plan has a conflict.</summary>
    public async Task<SchemaApplyResult> ApplyAsync(DesiredSchema desired, bool dryRun, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(desired, cancellationToken);
        return dryRun
            ? new SchemaApplyResult(plan, [], plan.ObjectTypeIds, DryRun: true)
            : await ApplyAsync(plan, cancellationToken);
    }

    /// <summary>Applies a plan in order: schema, groups, properties, options. Creates nothing when the plan has a conflict.</summary>
    public async Task<SchemaApplyResult> ApplyAsync(SchemaPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.IsValid)
        {
            return new SchemaApplyResult(plan, [], plan.ObjectTypeIds, DryRun: false);
        }

        var ids = new Dictionary<string, string>(plan.ObjectTypeIds, StringComparer.Ordinal);
        var applied = new List<SchemaChange>();
        foreach (var change in plan.Changes.OrderBy(c => c.Kind))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var apiType = ids.TryGetValue(change.ObjectType, out var id) ? id : change.ObjectType;
            switch (change.Kind)
            {
                case SchemaChangeKind.CreateSchema:
                    var created = await _writer.CreateSchemaAsync(change.Schema!, cancellationToken);
                    ids[change.ObjectType] = string.IsNullOrEmpty(created.ObjectTypeId) ? created.FullyQualifiedName : created.ObjectTypeId;
                    break;
                case SchemaChangeKind.CreateGroup:
                    await _writer.CreatePropertyGroupAsync(apiType, change.Group!, cancellationToken);
                    break;
                case SchemaChangeKind.CreateProperty:
                    await _writer.CreatePropertyAsync(apiType, change.Property!, cancellationToken);
                    break;
                case SchemaChangeKind.AddOptions:
                    await _writer.UpdatePropertyAsync(apiType, change.Property!, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown schema change {change.Kind}.");
            }

            applied.Add(change);
        }

        return new SchemaApplyResult(plan, applied, ids, DryRun: false);
    }
}
