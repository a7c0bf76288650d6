using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using HubSpotPmoSync.Core.Sync;
using HubSpotPmoSync.HubSpot;
using HubSpotPmoSync.Storage;
using HubSpotPmoSync.Worker.Cycle;
using HubSpotPmoSync.Worker.Import;
using HubSpotPmoSync.Worker.Scheduling;
using Microsoft.Extensions.Configuration;

namespace HubSpotPmoSync.Worker.Hosting;

/// <summary>
/// The options sections a read-only command uses: the configuration check looks at the values of these only, so that
/// <c>health</c> needs no HubSpot token and a bad <c>Schedule</c> setting does not stop <c>export</c>.
/// </summary>
internal static class ReadOnlySections
{
    /// <summary><c>health</c>, <c>budget report</c>: the database and the health rules.</summary>
    public static readonly IReadOnlyCollection<string> Health = [StorageOptions.SectionName, HealthOptions.SectionName];

    /// <summary><c>status</c>: the database and the mappings (for one record's fields).</summary>
    public static readonly IReadOnlyCollection<string> Status = [StorageOptions.SectionName, SyncOptions.SectionName];

    /// <summary><c>export</c>, <c>dlq list</c>, <c>dlq replay</c>: the database.</summary>
    public static readonly IReadOnlyCollection<string> Storage = [StorageOptions.SectionName];

    /// <summary><c>mappings validate --offline</c>: the mappings file.</summary>
    public static readonly IReadOnlyCollection<string> Mappings = [SyncOptions.SectionName];
}

/// <summary>
/// Checks the configuration before any options class is bound, so that a bad setting stops the command with exit 2
/// naming the spot instead of a binder's exception: a value that does not convert to its option's type names the
/// key, the value and what the key accepts (<c>hh:mm:ss</c>, <c>free|pro|…</c>, a number from 0 to 1); a key that no
/// options class has (<c>Schedule:IncrementalEvry</c>, a <c>HubSpt</c> section) is ignored by the binder, so it is
/// a warning naming the closest known key. The known keys are the public properties of the bound options classes.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>Every options section the program binds, and the class it binds to.</summary>
    internal static readonly IReadOnlyList<(string Section, Type Options)> Sections =
    [
        (HubSpotOptions.SectionName, typeof(HubSpotOptions)),
        (StorageOptions.SectionName, typeof(StorageOptions)),
        (SyncOptions.SectionName, typeof(SyncOptions)),
        (SyncOptions.SectionName, typeof(Core.Sync.Completeness.CompletenessOptions)),
        (HealthOptions.SectionName, typeof(HealthOptions)),
        (SyncScheduleOptions.SectionName, typeof(SyncScheduleOptions)),
        (ImportOptions.SectionName, typeof(ImportOptions)),
        (TimeEntryImportOptions.SectionName, typeof(TimeEntryImportOptions)),
        (MilestoneImportOptions.SectionName, typeof(MilestoneImportOptions)),
        (Http.HttpHostOptions.SectionName, typeof(Http.HttpHostOptions)),
        (Webhooks.WebhookOptions.SectionName, typeof(Webhooks.WebhookOptions)),
    ];

    /// <summary>The result: type errors (exit 2) and warnings about unknown keys.</summary>
    internal sealed record Result(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

    /// <param name="used">The top-level sections whose values are checked (null: all); unknown keys are warned about in every section.</param>
    public static Result Check(IConfiguration configuration, IReadOnlyCollection<string>? used)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var known = KnownKeys.Instance;
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable().OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null || !key.Contains(':', StringComparison.Ordinal))
            {
                // A section, or a top-level value (most environment variables): nothing an options class binds.
                continue;
            }

            var root = key[..key.IndexOf(':', StringComparison.Ordinal)];
            if (!known.Roots.Contains(root))
            {
                // Another program's or the host's section (Logging, …) is left alone; one a letter or two away from ours is a typo.
                if (known.ClosestRoot(root) is { } meant)
                {
                    var corrected = meant + key[root.Length..];
                    var suggestion = known.Leaves.ContainsKey(corrected) || known.IsOpen(corrected) ? corrected : known.Closest(corrected) ?? meant;
                    warnings.Add($"{key} is not a known setting (ignored); did you mean {suggestion}?");
                }

                continue;
            }

            var option = known.Leaves.TryGetValue(key, out var leaf) ? leaf : known.OpenElement(key);
            if (option is not null)
            {
                if ((used is null || used.Contains(root, StringComparer.OrdinalIgnoreCase)) && Problem(option, value) is { } accepted)
                {
                    errors.Add($"{key}: '{value}' is not {accepted}.");
                }

                continue;
            }

            if (known.IsOpen(key) || known.Containers.Contains(key))
            {
                continue;
            }

            warnings.Add(known.Closest(key) is { } closest
                ? $"{key} is not a known setting (ignored); did you mean {closest}?"
                : $"{key} is not a known setting (ignored).");
        }

        warnings.AddRange(RetiredSettings.Warnings(configuration));
        return new Result(errors, warnings);
    }

    /// <summary>
    /// When <c>appsettings.json</c> (or <c>appsettings.{Environment}.json</c>) is not valid JSON: the file, line and
    /// column of the first error, as <c>PATH:LINE:COLUMN: reason</c> (null when every file parses).
    /// </summary>
    public static string? BrokenJsonFile(string contentRoot, string environmentName)
    {
        foreach (var name in new[] { "appsettings.json", $"appsettings.{environmentName}.json" })
        {
            var path = Path.Combine(contentRoot, name);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                // The configuration's own JSON reading: comments skipped, trailing commas allowed.
                using var _ = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException e)
            {
                var reason = e.Message;
                var trailer = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
                reason = trailer > 0 ? reason[..trailer] : reason;
                return string.Create(CultureInfo.InvariantCulture, $"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {reason}");
            }
            catch (IOException e)
            {
                return $"{path}: cannot be read: {e.Message}";
            }
        }

        return null;
    }

    /// <summary>What the option accepts, when <paramref name="value"/> does not convert to its type; null when it does.</summary>
    private static string? Problem(PropertyInfo option, string value)
    {
        if (value.Length == 0)
        {
            // An empty value leaves the default (or is the validators' business, e.g. a required token).
            return null;
        }

        var type = Nullable.GetUnderlyingType(option.PropertyType) ?? option.PropertyType;
        if (option.PropertyType.IsGenericType && option.PropertyType.GetGenericTypeDefinition() != typeof(Nullable<>))
        {
            type = option.PropertyType.GetGenericArguments()[^1];
        }

        var range = option.GetCustomAttribute<RangeAttribute>();
        var inRange = range is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" from {range.Minimum} to {range.Maximum}");
        var invariant = CultureInfo.InvariantCulture;
        if (type.IsEnum)
        {
            // The binder takes a name (any case) or the number of a value.
            var names = Enum.GetNames(type);
            var known = names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase)
                || (long.TryParse(value, NumberStyles.Integer, invariant, out _) && Enum.TryParse(type, value, out var number) && Enum.IsDefined(type, number!));
            return known ? null : "one of " + string.Join('|', names.Select(n => n.ToLowerInvariant()));
        }

        return type switch
        {
            _ when type == typeof(string) => null,
            _ when type == typeof(bool) => bool.TryParse(value, out _) ? null : "true or false",
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : "a whole number" + inRange,
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, invariant, out _) ? null : "a whole number" + inRange,
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, invariant, out _) ? null : "a number" + inRange,
            _ when type == typeof(decimal) => decimal.TryParse(value, NumberStyles.Float, invariant, out _) ? null : "a number" + inRange,
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, invariant, out _) ? null : "a duration as hh:mm:ss (d.hh:mm:ss with days)" + inRange,
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, invariant, DateTimeStyles.None, out _) ? null : "a date and time such as 2026-11-20T17:00:00Z",
            _ when type == typeof(Uri) => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _) ? null : "a URI such as https://api.hubapi.com",
            _ => null,
        };
    }

    /// <summary>The keys the options classes know, built once by reflection.</summary>
    private sealed class KnownKeys
    {
        public static KnownKeys Instance { get; } = new();

        private readonly Dictionary<string, Type> _open = new(StringComparer.OrdinalIgnoreCase);

        private KnownKeys()
        {
            foreach (var (section, type) in Sections)
            {
                var parts = section.Split(':');
                Roots.Add(parts[0]);
                for (var i = 1; i <= parts.Length; i++)
                {
                    Containers.Add(string.Join(':', parts[..i]));
                }

                Walk(section, type);
            }
        }

        /// <summary>Full key → the property it binds (case-insensitive, as the configuration is).</summary>
        public Dictionary<string, PropertyInfo> Leaves { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Sections: the options sections and their nested objects.</summary>
        public HashSet<string> Containers { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Roots { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether the key is inside a list or dictionary option (any child key binds).</summary>
        public bool IsOpen(string key) => _open.Keys.Any(prefix => key.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase));

        /// <summary>The element property of a list or dictionary option the key is a child of (for its type).</summary>
        public PropertyInfo? OpenElement(string key)
        {
            var parent = key.LastIndexOf(':');
            return parent > 0 && _open.ContainsKey(key[..parent]) && Leaves.TryGetValue(key[..parent], out var p) ? p : null;
        }

        /// <summary>The known root section one or two letters away, e.g. <c>HubSpot</c> for <c>HubSpt</c>.</summary>
        public string? ClosestRoot(string root) =>
            root.Length < 4 ? null : Roots.Select(r => (r, d: Distance(r, root))).Where(x => x.d <= 2).OrderBy(x => x.d).Select(x => x.r).FirstOrDefault();

        /// <summary>The known key closest to <paramref name="key"/>, preferring one in the same section; null when none is near.</summary>
        public string? Closest(string key)
        {
            var parentEnd = key.LastIndexOf(':');
            var parent = parentEnd > 0 ? key[..parentEnd] : string.Empty;
            var name = key[(parentEnd + 1)..];
            var candidates = Leaves.Keys.Where(k => !_open.Keys.Any(o => k.StartsWith(o + ":", StringComparison.OrdinalIgnoreCase))).ToList();
            var sibling = candidates
                .Where(k => k.LastIndexOf(':') == parentEnd && k.StartsWith(parent + ":", StringComparison.OrdinalIgnoreCase))
                .Select(k => (k, d: Distance(k[(parentEnd + 1)..], name)))
                .Where(x => x.d <= Math.Max(2, name.Length / 3))
                .OrderBy(x => x.d)
                .ThenBy(x => x.k, StringComparer.Ordinal)
                .Select(x => x.k)
                .FirstOrDefault();
            return sibling ?? candidates
                .Select(k => (k, d: Distance(k, key)))
                .Where(x => x.d <= Math.Max(2, key.Length / 5))
                .OrderBy(x => x.d)
                .ThenBy(x => x.k, StringComparer.Ordinal)
                .Select(x => x.k)
                .FirstOrDefault();
        }

        private void Walk(string prefix, Type type)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                var key = prefix + ":" + property.Name;
                var propertyType = property.PropertyType;
                if (IsSimple(propertyType))
                {
                    if (property.SetMethod is { IsPublic: true })
                    {
                        Leaves[key] = property;
                    }
                }
                else if (propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType))
                {
                    // A list or a dictionary: any child key binds (an index, a name); the element type is checked.
                    if (property.SetMethod is { IsPublic: true } || !(propertyType.IsArray || propertyType.IsInterface))
                    {
                        Leaves[key] = property;
                        _open[key] = propertyType;
                        Containers.Add(key);
                    }
                }
                else if (propertyType.IsClass)
                {
                    Containers.Add(key);
                    Walk(key, propertyType);
                }
            }
        }

        private static bool IsSimple(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
                || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid);
        }

        /// <summary>Levenshtein distance, ignoring case.</summary>
        private static int Distance(string a, string b)
        {
            a = a.ToUpperInvariant();
            b = b.ToUpperInvariant();
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}
