using System.Globalization;
using System.Runtime.CompilerServices;
using HubSpotPmoSync.Core.Crm;

namespace HubSpotPmoSync.Testing.Fakes;

/// <summary>
/// An in-memory HubSpot portal behind both CRM ports, honest for the calls the write-back uses: typed properties
/// that reject values HubSpot rejects (207-style, per input), unique properties with upsert returning the existing
/// record, required properties on create, property groups, custom object schemas, pipelines and idempotent
/// associations. Every write call is logged and counted; <see cref="WriteFault"/> injects failures.
/// </summary>
public sealed class FakeCrmPortal : ICrmSource, ICrmWriter
{
    private static readonly Dictionary<string, string> StandardAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0-1"] = CrmObjectTypes.Contacts,
        ["0-2"] = CrmObjectTypes.Companies,
        ["0-3"] = CrmObjectTypes.Deals,
        ["0-5"] = CrmObjectTypes.Tickets,
        ["0-970"] = CrmObjectTypes.Projects,
        ["contacts"] = CrmObjectTypes.Contacts,
        ["companies"] = CrmObjectTypes.Companies,
        ["deals"] = CrmObjectTypes.Deals,
        ["tickets"] = CrmObjectTypes.Tickets,
        ["projects"] = CrmObjectTypes.Projects,
    };

    private readonly object _gate = new();
    private readonly Dictionary<string, string> _aliases = new(StandardAliases, StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Dictionary<string, StoredRecord>> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, CrmPropertyDefinition>> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, CrmPropertyDefinition>> _archivedProperties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CrmPropertyGroup>> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CrmPipeline>> _pipelines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _required = new(StringComparer.Ordinal);
    private readonly List<CrmObjectSchema> _schemas = [];
    private readonly HashSet<(string FromType, string FromId, string ToType, string ToId)> _links = [];
    private readonly List<PortalCall> _calls = [];
    private long _nextId = 1000;
    private int _nextSchemaId = 3465400;

    public FakeCrmPortal(TimeProvider? time = null)
    {
        _time = time ?? new FakeTimeProvider();
        DefineStandardObjects();
    }

    /// <summary>The portal id used in custom objects' fully qualified names.</summary>
    public int PortalId { get; init; } = 1234;

    /// <summary>
    /// Called at the start of every write call with (method, objectType); a returned exception is thrown instead of
    /// the call (nothing is applied).
    /// </summary>
    public Func<string, string, Exception?>? WriteFault { get; set; }

    /// <summary>Every call so far, reads and writes, in order.</summary>
    public IReadOnlyList<PortalCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToList();
            }
        }
    }

    /// <summary>Calls that can change state (what HubSpot's usage counts as writes).</summary>
    public int WriteCalls => Calls.Count(c => c.IsWrite);

    public void ResetCalls()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }

    // ---- seeding and inspection for tests ----

    /// <summary>Creates a record directly (as a person or an import would), bypassing validation; returns its id.</summary>
    public string Seed(string objectType, IReadOnlyDictionary<string, string?> properties)
    {
        lock (_gate)
        {
            var type = Canonical(objectType);
            var id = NewId();
            var now = _time.GetUtcNow();
            var values = new Dictionary<string, string?>(properties, StringComparer.Ordinal) { ["hs_object_id"] = id };
            Records(type)[id] = new StoredRecord(id, values, now, now);
            return id;
        }
    }

    /// <summary>A person edits a property in HubSpot's UI: the value changes and so does <c>updatedAt</c>.</summary>
    public void EditAsPerson(string objectType, string id, string property, string? value)
    {
        lock (_gate)
        {
            var record = Records(Canonical(objectType))[id];
            record.Properties[property] = value;
            record.UpdatedAt = _time.GetUtcNow();
        }
    }

    /// <summary>A record's current state.</summary>
    public CrmRecord Get(string objectType, string id)
    {
        lock (_gate)
        {
            return Records(Canonical(objectType))[id].ToRecord();
        }
    }

    /// <summary>Every live record of a type.</summary>
    public IReadOnlyList<CrmRecord> All(string objectType)
    {
        lock (_gate)
        {
            return Records(Canonical(objectType)).Values.Where(r => !r.Archived).OrderBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).Select(r => r.ToRecord()).ToList();
        }
    }

    /// <summary>Ids of the records of <paramref name="toType"/> linked from the record.</summary>
    public IReadOnlyList<string> Associated(string fromType, string fromId, string toType)
    {
        lock (_gate)
        {
            var from = Canonical(fromType);
            var to = Canonical(toType);
            return _links.Where(l => l.FromType == from && l.FromId == fromId && l.ToType == to).Select(l => l.ToId).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Defines (or replaces) a property, as a portal admin would.</summary>
    public void DefineProperty(string objectType, CrmPropertyDefinition property)
    {
        lock (_gate)
        {
            Properties(Canonical(objectType))[property.Name] = property;
        }
    }

    /// <summary>Deletes a property, as a portal admin would: HubSpot archives it, and its name stays taken.</summary>
    public void RemoveProperty(string objectType, string name)
    {
        lock (_gate)
        {
            var type = Canonical(objectType);
            if (Properties(type).Remove(name, out var removed))
            {
                Archived(type)[name] = removed;
            }
        }
    }

    public void DefinePipeline(string objectType, CrmPipeline pipeline)
    {
        lock (_gate)
        {
            var list = Pipelines(Canonical(objectType));
            list.RemoveAll(p => p.Id == pipeline.Id);
            list.Add(pipeline);
        }
    }

    /// <summary>The property definitions of a type (a copy).</summary>
    public IReadOnlyDictionary<string, CrmPropertyDefinition> PropertiesOf(string objectType)
    {
        lock (_gate)
        {
            return new Dictionary<string, CrmPropertyDefinition>(Properties(Canonical(objectType)), StringComparer.Ordinal);
        }
    }

    public IReadOnlyList<CrmPropertyGroup> GroupsOf(string objectType)
    {
        lock (_gate)
        {
            return Groups(Canonical(objectType)).ToList();
        }
    }

    // ---- ICrmSource ----

    public async IAsyncEnumerable<CrmPage> ListAsync(
        string objectType, IReadOnlyCollection<string> properties, CrmListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<CrmRecord> all;
        lock (_gate)
        {
            Log("list", objectType, 0, isWrite: false);
            all = Records(Canonical(objectType)).Values
                .Where(r => r.Archived == options.Archived)
                .OrderBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture))
                .Select(r => r.ToRecord(properties))
                .ToList();
        }

        var start = options.StartAfter is null ? 0 : all.FindIndex(r => long.Parse(r.Id, CultureInfo.InvariantCulture) > long.Parse(options.StartAfter, CultureInfo.InvariantCulture));
        if (start < 0)
        {
            yield break;
        }

        for (var i = start; i < all.Count; i += options.PageSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            var page = all.Skip(i).Take(options.PageSize).ToList();
            yield return new CrmPage(page, i + options.PageSize < all.Count ? page[^1].Id : null);
        }
    }

    public async IAsyncEnumerable<CrmPage> SearchModifiedAsync(
        string objectType, CrmModifiedWindow window, IReadOnlyCollection<string> properties, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<CrmRecord> found;
        lock (_gate)
        {
            Log("search", objectType, 0, isWrite: false);
            found = Records(Canonical(objectType)).Values
                .Where(r => !r.Archived && r.UpdatedAt >= window.From && (window.To is null || r.UpdatedAt <= window.To))
                .OrderBy(r => r.UpdatedAt).ThenBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture))
                .Select(r => r.ToRecord(properties))
                .ToList();
        }

        foreach (var chunk in found.Chunk(200))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new CrmPage(chunk, null);
        }
    }

    public Task<CrmIdExtent?> SearchIdExtentAsync(string objectType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("search", objectType, 0, isWrite: false);
            var ids = Records(Canonical(objectType)).Values.Where(r => !r.Archived).Select(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).ToList();
            return Task.FromResult(ids.Count == 0 ? null : new CrmIdExtent(ids.Max(), ids.Count));
        }
    }

    public async IAsyncEnumerable<CrmPage> SearchIdsAsync(
        string objectType, CrmIdWindow window, IReadOnlyCollection<string> properties, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        List<CrmRecord> found;
        lock (_gate)
        {
            Log("search", objectType, 0, isWrite: false);
            found = Records(Canonical(objectType)).Values
                .Where(r => !r.Archived && long.Parse(r.Id, CultureInfo.InvariantCulture) is var id && id > window.After && (window.UpTo is not { } upTo || id <= upTo))
                .OrderBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture))
                .Select(r => r.ToRecord(properties))
                .ToList();
        }

        var chunks = found.Chunk(200).ToList();
        if (chunks.Count == 0)
        {
            yield return new CrmPage([], null);
            yield break;
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new CrmPage(chunks[i], i + 1 < chunks.Count ? chunks[i][^1].Id : null);
        }
    }

    public Task<CrmBatchReadResult> BatchReadAsync(
        string objectType, IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("batch/read", objectType, ids.Count, isWrite: false);
            var records = Records(Canonical(objectType));
            var found = ids.Where(id => records.TryGetValue(id, out var r) && !r.Archived).Select(id => records[id].ToRecord(properties)).ToList();
            var missing = ids.Where(id => !records.TryGetValue(id, out var r) || r.Archived).ToList();
            return Task.FromResult(new CrmBatchReadResult(found, missing));
        }
    }

    public Task<IReadOnlyList<CrmAssociationLink>> ReadAssociationsAsync(
        string fromType, string toType, IReadOnlyCollection<string> fromIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("associations/batch/read", fromType, fromIds.Count, isWrite: false);
            var from = Canonical(fromType);
            var to = Canonical(toType);
            var wanted = fromIds.ToHashSet(StringComparer.Ordinal);
            IReadOnlyList<CrmAssociationLink> links = _links
                .Where(l => l.FromType == from && l.ToType == to && wanted.Contains(l.FromId))
                .OrderBy(l => l.FromId, StringComparer.Ordinal).ThenBy(l => l.ToId, StringComparer.Ordinal)
                .Select(l => new CrmAssociationLink(l.FromId, l.ToId, [new AssociationKind(AssociationKind.HubSpotDefined, 0, null)]))
                .ToList();
            return Task.FromResult(links);
        }
    }

    public Task<IReadOnlyList<CrmPropertyDefinition>> GetArchivedPropertiesAsync(string objectType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("properties", objectType, 0, isWrite: false);
            IReadOnlyList<CrmPropertyDefinition> list = Archived(Canonical(objectType)).Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<CrmPropertyDefinition>> GetPropertiesAsync(string objectType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("properties", objectType, 0, isWrite: false);
            IReadOnlyList<CrmPropertyDefinition> list = Properties(Canonical(objectType)).Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<CrmPipeline>> GetPipelinesAsync(string objectType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("pipelines", objectType, 0, isWrite: false);
            IReadOnlyList<CrmPipeline> list = Pipelines(Canonical(objectType)).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<CrmObjectSchema>> GetSchemasAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("schemas", "-", 0, isWrite: false);
            IReadOnlyList<CrmObjectSchema> list = _schemas
                .Select(s => s with { Properties = Properties(s.ObjectTypeId).Values.ToList() })
                .ToList();
            return Task.FromResult(list);
        }
    }

    // ---- ICrmWriter ----

    public Task<CrmBatchResult> BatchUpdateAsync(string objectType, IReadOnlyList<CrmUpdate> updates, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("batch/update", objectType, updates.Count);
            var records = Records(type);
            var outcomes = new List<CrmWriteOutcome>();
            foreach (var update in updates)
            {
                if (!records.TryGetValue(update.Id, out var record) || record.Archived)
                {
                    outcomes.Add(Error(update.Id, "OBJECT_NOT_FOUND", $"Could not get some {type} objects, they may be deleted or not exist. Check that ids are valid."));
                    continue;
                }

                // As the HubSpot client: a property the portal cannot write at all is left out, the rest written.
                var (writable, refused) = Writable(type, update.Properties);
                var error = writable.Count == 0 && refused.Count > 0 ? Refusal(refused) : Validate(type, writable, record.Id);
                if (error is not null)
                {
                    outcomes.Add(Error(update.Id, error.Value.Category, error.Value.Message));
                    continue;
                }

                Apply(record, writable);
                outcomes.Add(Written(new CrmWriteOutcome(update.Id, true, record.Id, Record: record.ToRecord()), refused));
            }

            return Task.FromResult(new CrmBatchResult(outcomes));
        }
    }

    public Task<CrmBatchResult> BatchUpsertAsync(string objectType, string idProperty, IReadOnlyList<CrmUpsert> upserts, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("batch/upsert", objectType, upserts.Count);
            if (!Properties(type).TryGetValue(idProperty, out var unique) || !unique.HasUniqueValue)
            {
                throw new CrmException($"Property {idProperty} is not a unique property of {type}; it cannot be an idProperty.", 400, "VALIDATION_ERROR");
            }

            var records = Records(type);
            var outcomes = new List<CrmWriteOutcome>();
            foreach (var upsert in upserts)
            {
                // As the HubSpot client: an upsert (which may create) carrying a property the portal cannot write fails.
                var (_, refused) = Writable(type, upsert.Properties);
                var properties = new Dictionary<string, string?>(upsert.Properties, StringComparer.Ordinal) { [idProperty] = upsert.UniqueValue };
                var existing = records.Values.FirstOrDefault(r => !r.Archived && r.Properties.TryGetValue(idProperty, out var v) && v == upsert.UniqueValue);
                var error = refused.Count > 0 ? Refusal(refused) : Validate(type, properties, existing?.Id);
                if (error is null && existing is null)
                {
                    error = MissingRequired(type, properties);
                }

                if (error is not null)
                {
                    outcomes.Add(Error(upsert.UniqueValue, error.Value.Category, error.Value.Message));
                    continue;
                }

                if (existing is not null)
                {
                    Apply(existing, properties);
                    outcomes.Add(new CrmWriteOutcome(upsert.UniqueValue, true, existing.Id, Created: false, Record: existing.ToRecord()));
                }
                else
                {
                    var created = Create(type, properties);
                    outcomes.Add(new CrmWriteOutcome(upsert.UniqueValue, true, created.Id, Created: true, Record: created.ToRecord()));
                }
            }

            return Task.FromResult(new CrmBatchResult(outcomes));
        }
    }

    public Task<CrmBatchResult> BatchCreateAsync(string objectType, IReadOnlyList<CrmCreate> creates, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("batch/create", objectType, creates.Count);
            var outcomes = new List<CrmWriteOutcome>();
            foreach (var create in creates)
            {
                var error = Validate(type, create.Properties, null) ?? MissingRequired(type, create.Properties);
                if (error is not null)
                {
                    outcomes.Add(Error(create.TraceId, error.Value.Category, error.Value.Message));
                    continue;
                }

                var created = Create(type, create.Properties);
                outcomes.Add(new CrmWriteOutcome(create.TraceId, true, created.Id, Created: true, Record: created.ToRecord()));
            }

            return Task.FromResult(new CrmBatchResult(outcomes));
        }
    }

    public Task<CrmBatchResult> BatchArchiveAsync(string objectType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("batch/archive", objectType, ids.Count);
            var records = Records(type);
            var outcomes = new List<CrmWriteOutcome>();
            foreach (var id in ids)
            {
                if (records.TryGetValue(id, out var record))
                {
                    record.Archived = true;
                }

                outcomes.Add(new CrmWriteOutcome(id, true, id));
            }

            return Task.FromResult(new CrmBatchResult(outcomes));
        }
    }

    public Task CreateAssociationsAsync(string fromType, string toType, IReadOnlyList<CrmAssociationCreate> links, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var from = BeginWrite("associations/batch/create", fromType, links.Count);
            var to = Canonical(toType);
            var missing = links.Where(l => !Exists(from, l.FromId) || !Exists(to, l.ToId)).Select(l => $"{l.FromId}->{l.ToId}").ToList();
            if (missing.Count > 0)
            {
                throw new CrmException($"Could not associate {string.Join(", ", missing)}: a record does not exist.", 400, "VALIDATION_ERROR");
            }

            foreach (var link in links)
            {
                _links.Add((from, link.FromId, to, link.ToId));
                _links.Add((to, link.ToId, from, link.FromId));
            }

            return Task.CompletedTask;
        }
    }

    public Task ArchiveAssociationsAsync(string fromType, string toType, IReadOnlyList<(string FromId, string ToId)> pairs, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var from = BeginWrite("associations/batch/archive", fromType, pairs.Count);
            var to = Canonical(toType);
            foreach (var (fromId, toId) in pairs)
            {
                _links.Remove((from, fromId, to, toId));
                _links.Remove((to, toId, from, fromId));
            }

            return Task.CompletedTask;
        }
    }

    public Task CreatePropertyGroupAsync(string objectType, CrmPropertyGroup group, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("properties/groups/create", objectType, 1);
            var groups = Groups(type);
            if (groups.Any(g => g.Name == group.Name))
            {
                throw new CrmException($"A property group named {group.Name} already exists.", 409, "CONFLICT");
            }

            groups.Add(group);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<CrmPropertyGroup>> GetPropertyGroupsAsync(string objectType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Log("properties/groups", objectType, 0, isWrite: false);
            IReadOnlyList<CrmPropertyGroup> list = Groups(Canonical(objectType)).ToList();
            return Task.FromResult(list);
        }
    }

    public Task CreatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("properties/create", objectType, 1);
            var properties = Properties(type);
            if (properties.ContainsKey(property.Name) || Archived(type).ContainsKey(property.Name))
            {
                throw new CrmException($"A property named {property.Name} already exists{(properties.ContainsKey(property.Name) ? string.Empty : " (archived)")}.", 409, "CONFLICT");
            }

            ValidateDefinition(type, property);
            if (property.HasUniqueValue && properties.Values.Count(p => p.HasUniqueValue && !p.HubSpotDefined) >= 10)
            {
                throw new CrmException($"{type} already has 10 unique properties.", 400, "VALIDATION_ERROR");
            }

            properties[property.Name] = property with { Options = property.Options ?? [] };
            return Task.CompletedTask;
        }
    }

    public Task UpdatePropertyAsync(string objectType, CrmPropertyDefinition property, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var type = BeginWrite("properties/update", objectType, 1);
            var properties = Properties(type);
            if (!properties.TryGetValue(property.Name, out var existing))
            {
                throw new CrmException($"Property {property.Name} does not exist.", 404, "OBJECT_NOT_FOUND");
            }

            if (existing.HasUniqueValue != property.HasUniqueValue)
            {
                throw new CrmException("hasUniqueValue cannot be changed.", 400, "VALIDATION_ERROR");
            }

            ValidateDefinition(type, property);
            properties[property.Name] = property;
            return Task.CompletedTask;
        }
    }

    public Task<CrmObjectSchema> CreateSchemaAsync(CrmObjectSchema schema, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            BeginWrite("schemas/create", "-", 1);
            if (_schemas.Any(s => string.Equals(s.Name, schema.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new CrmException($"An object type named {schema.Name} already exists.", 409, "CONFLICT");
            }

            if (!schema.Properties.Any(p => p.Name == schema.PrimaryDisplayProperty)
                || schema.RequiredProperties.Any(r => !schema.Properties.Any(p => p.Name == r)))
            {
                throw new CrmException("The primary display property and every required property must be among the schema's properties.", 400, "VALIDATION_ERROR");
            }

            var number = _nextSchemaId++;
            var created = schema with
            {
                ObjectTypeId = "2-" + number.ToString(CultureInfo.InvariantCulture),
                FullyQualifiedName = "p" + PortalId.ToString(CultureInfo.InvariantCulture) + "_" + schema.Name,
            };
            _schemas.Add(created);
            _aliases[created.FullyQualifiedName] = created.ObjectTypeId;
            _aliases[created.Name] = created.ObjectTypeId;
            _aliases[created.ObjectTypeId] = created.ObjectTypeId;
            var properties = Properties(created.ObjectTypeId);
            properties["hs_object_id"] = new CrmPropertyDefinition("hs_object_id", "Record ID", "number", "number", "objectinformation", ReadOnlyValue: true, HubSpotDefined: true);
            foreach (var property in schema.Properties)
            {
                properties[property.Name] = property with { GroupName = string.IsNullOrEmpty(property.GroupName) ? "objectinformation" : property.GroupName };
            }

            _required[created.ObjectTypeId] = schema.RequiredProperties;
            Groups(created.ObjectTypeId).Add(new CrmPropertyGroup("objectinformation", "Object information"));
            return Task.FromResult(created);
        }
    }

    // ---- internals ----

    private string BeginWrite(string method, string objectType, int inputs)
    {
        // Like the HTTP adapter, a batch of more than 100 inputs costs one request per 100.
        var requests = Math.Max(1, (inputs + 99) / 100);
        for (var i = 0; i < requests; i++)
        {
            Log(method, objectType, Math.Min(100, inputs - (i * 100)), isWrite: true);
        }

        var fault = WriteFault?.Invoke(method, objectType);
        if (fault is not null)
        {
            throw fault;
        }

        return objectType == "-" ? objectType : Canonical(objectType);
    }

    private void Log(string method, string objectType, int inputs, bool isWrite) =>
        _calls.Add(new PortalCall(method, objectType, inputs, isWrite));

    private static CrmWriteOutcome Error(string key, string category, string message) => new(key, false, ErrorCategory: category, ErrorMessage: message);

    /// <summary>The values the portal can write, and the properties it cannot write at all (unknown or read-only).</summary>
    private (Dictionary<string, string?> Writable, List<string> Refused) Writable(string type, IReadOnlyDictionary<string, string?> values)
    {
        var definitions = Properties(type);
        var writable = new Dictionary<string, string?>(StringComparer.Ordinal);
        var refused = new List<string>();
        foreach (var (name, value) in values)
        {
            if (definitions.TryGetValue(name, out var d) && !d.ReadOnlyValue && !d.Calculated)
            {
                writable[name] = value;
            }
            else
            {
                refused.Add(name);
            }
        }

        refused.Sort(StringComparer.Ordinal);
        return (writable, refused);
    }

    private (string Category, string Message) Refusal(List<string> refused) =>
        ("VALIDATION_ERROR", string.Join("; ", refused.Select(name => $"Property \"{name}\" does not exist or is read-only")));

    /// <summary>A written input's outcome, naming the properties left out (the client's contract).</summary>
    private CrmWriteOutcome Written(CrmWriteOutcome outcome, List<string> refused)
    {
        if (refused.Count == 0)
        {
            return outcome;
        }

        var (category, message) = Refusal(refused);
        return outcome with { RefusedProperties = refused, ErrorCategory = category, ErrorMessage = message };
    }

    private (string Category, string Message)? Validate(string type, IReadOnlyDictionary<string, string?> values, string? recordId)
    {
        var definitions = Properties(type);
        foreach (var (name, value) in values)
        {
            if (!definitions.TryGetValue(name, out var definition))
            {
                return ("VALIDATION_ERROR", $"Property values were not valid: [{{\"isValid\":false,\"message\":\"Property \\\"{name}\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"{name}\"}}]");
            }

            if (definition.ReadOnlyValue || definition.Calculated)
            {
                return ("VALIDATION_ERROR", $"Property values were not valid: {name} is a read only property; its value cannot be set.");
            }

            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var valid = definition.Type switch
            {
                "number" => decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
                "bool" => value is "true" or "false",
                "enumeration" => value.Split(';', StringSplitOptions.RemoveEmptyEntries).All(v => (definition.Options ?? []).Any(o => o.Value == v)),
                "datetime" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) || long.TryParse(value, CultureInfo.InvariantCulture, out _),
                "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                _ => true,
            };
            if (!valid)
            {
                var detail = definition.Type == "enumeration" ? $"{value} was not one of the allowed options" : $"{value} is not a valid {definition.Type}";
                return ("VALIDATION_ERROR", $"Property values were not valid: [{{\"isValid\":false,\"message\":\"{detail}\",\"error\":\"INVALID_OPTION\",\"name\":\"{name}\"}}]");
            }

            if (definition.HasUniqueValue && Records(type).Values.Any(r => r.Id != recordId && !r.Archived && r.Properties.TryGetValue(name, out var v) && v == value))
            {
                return ("CONFLICT", $"A record with {name}={value} already exists.");
            }
        }

        return null;
    }

    private (string Category, string Message)? MissingRequired(string type, IReadOnlyDictionary<string, string?> values)
    {
        var required = _required.TryGetValue(type, out var r) ? r : [];
        var missing = required.Where(p => !values.TryGetValue(p, out var v) || string.IsNullOrEmpty(v)).ToList();
        return missing.Count == 0 ? null : ("VALIDATION_ERROR", "Required properties are missing: " + string.Join(", ", missing));
    }

    private static void ValidateDefinition(string type, CrmPropertyDefinition property)
    {
        var allowed = property.Type switch
        {
            "string" => ["text", "textarea", "html", "phonenumber", "file", "calculation_equation"],
            "number" => ["number", "calculation_equation"],
            "date" or "datetime" => ["date"],
            "enumeration" => ["select", "radio", "checkbox", "booleancheckbox", "calculation_equation"],
            "bool" => ["booleancheckbox", "calculation_equation"],
            _ => Array.Empty<string>(),
        };
        if (!allowed.Contains(property.FieldType))
        {
            throw new CrmException($"Invalid fieldType {property.FieldType} for type {property.Type} on {type}.{property.Name}.", 400, "VALIDATION_ERROR");
        }
    }

    private StoredRecord Create(string type, IReadOnlyDictionary<string, string?> properties)
    {
        var id = NewId();
        var now = _time.GetUtcNow();
        var values = properties.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        values["hs_object_id"] = id;
        var record = new StoredRecord(id, values, now, now);
        Records(type)[id] = record;
        return record;
    }

    private void Apply(StoredRecord record, IReadOnlyDictionary<string, string?> properties)
    {
        var changed = false;
        foreach (var (name, value) in properties)
        {
            var normalized = string.IsNullOrEmpty(value) ? null : value;
            record.Properties.TryGetValue(name, out var old);
            if (old != normalized)
            {
                record.Properties[name] = normalized;
                changed = true;
            }
        }

        if (changed)
        {
            record.UpdatedAt = _time.GetUtcNow();
        }
    }

    private bool Exists(string type, string id) => Records(type).TryGetValue(id, out var r) && !r.Archived;

    private string NewId() => (_nextId++).ToString(CultureInfo.InvariantCulture);

    private string Canonical(string objectType) => _aliases.TryGetValue(objectType, out var canonical) ? canonical : objectType;

    private Dictionary<string, StoredRecord> Records(string type) => GetOrAdd(_records, type, () => new Dictionary<string, StoredRecord>(StringComparer.Ordinal));

    private Dictionary<string, CrmPropertyDefinition> Properties(string type) => GetOrAdd(_properties, type, () => new Dictionary<string, CrmPropertyDefinition>(StringComparer.Ordinal));

    private Dictionary<string, CrmPropertyDefinition> Archived(string type) => GetOrAdd(_archivedProperties, type, () => new Dictionary<string, CrmPropertyDefinition>(StringComparer.Ordinal));

    private List<CrmPropertyGroup> Groups(string type) => GetOrAdd(_groups, type, () => []);

    private List<CrmPipeline> Pipelines(string type) => GetOrAdd(_pipelines, type, () => []);

    private static T GetOrAdd<T>(Dictionary<string, T> map, string key, Func<T> create)
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = create();
            map[key] = value;
        }

        return value;
    }

    private void DefineStandardObjects()
    {
        static CrmPropertyDefinition Std(string name, string type, string fieldType, bool readOnly = false) =>
            new(name, name, type, fieldType, "objectinformation", ReadOnlyValue: readOnly, HubSpotDefined: true, Options: []);

        foreach (var type in (string[])[CrmObjectTypes.Companies, CrmObjectTypes.Deals, CrmObjectTypes.Tickets, CrmObjectTypes.Projects])
        {
            var properties = Properties(type);
            properties["hs_object_id"] = Std("hs_object_id", "number", "number", readOnly: true);
            properties["createdate"] = Std("createdate", "datetime", "date", readOnly: true);
            properties["hs_lastmodifieddate"] = Std("hs_lastmodifieddate", "datetime", "date", readOnly: true);
            Groups(type).Add(new CrmPropertyGroup(type == CrmObjectTypes.Companies ? "companyinformation" : type == CrmObjectTypes.Deals ? "dealinformation" : "objectinformation", "Information"));
        }

        DefineProperty(CrmObjectTypes.Companies, Std("name", "string", "text"));
        DefineProperty(CrmObjectTypes.Companies, Std("domain", "string", "text"));
        DefineProperty(CrmObjectTypes.Deals, Std("dealname", "string", "text"));
        DefineProperty(CrmObjectTypes.Deals, Std("amount", "number", "number"));
        DefineProperty(CrmObjectTypes.Deals, Std("deal_currency_code", "string", "text"));
        DefineProperty(CrmObjectTypes.Deals, Std("pipeline", "enumeration", "select"));
        DefineProperty(CrmObjectTypes.Deals, Std("dealstage", "enumeration", "select"));
        DefineProperty(CrmObjectTypes.Deals, Std("closedate", "datetime", "date"));
        DefineProperty(CrmObjectTypes.Projects, Std("hs_name", "string", "text"));
        DefineProperty(CrmObjectTypes.Projects, Std("hs_pipeline", "string", "text"));
        DefineProperty(CrmObjectTypes.Projects, Std("hs_pipeline_stage", "string", "text"));
        _required[CrmObjectTypes.Projects] = ["hs_name", "hs_pipeline", "hs_pipeline_stage"];
        _required[CrmObjectTypes.Deals] = ["dealname", "pipeline", "dealstage"];
        DefinePipeline(CrmObjectTypes.Projects, new CrmPipeline("0", "Projects", [
            new CrmPipelineStage("1001", "Planning", 1, false, null),
            new CrmPipelineStage("1000", "Not started", 0, false, null),
            new CrmPipelineStage("1002", "Done", 2, true, null),
        ]));
        DefinePipeline(CrmObjectTypes.Deals, new CrmPipeline("default", "Sales", [
            new CrmPipelineStage("appointmentscheduled", "Appointment scheduled", 0, false, 0.2m),
            new CrmPipelineStage("closedwon", "Closed won", 1, true, 1m),
            new CrmPipelineStage("closedlost", "Closed lost", 2, true, 0m),
        ]));
    }

    private sealed class StoredRecord(string id, Dictionary<string, string?> properties, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        public string Id { get; } = id;

        public Dictionary<string, string?> Properties { get; } = properties;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset UpdatedAt { get; set; } = updatedAt;

        public bool Archived { get; set; }

        public CrmRecord ToRecord(IReadOnlyCollection<string>? only = null)
        {
            var values = only is null
                ? new Dictionary<string, string?>(Properties, StringComparer.Ordinal)
                : only.ToDictionary(p => p, p => Properties.TryGetValue(p, out var v) ? v : null, StringComparer.Ordinal);
            return new CrmRecord(Id, values, CreatedAt, UpdatedAt, Archived);
        }
    }
}

/// <summary>One call the fake portal received.</summary>
/// <param name="Inputs">Inputs of a batch call (0 for reads of a whole type).</param>
public sealed record PortalCall(string Method, string ObjectType, int Inputs, bool IsWrite);
