using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HubSpotPmoSync.Core.Delivery;

namespace HubSpotPmoSync.Core.Health;

/// <summary>A value of a time entry that can take part in its identity.</summary>
public enum TimeEntryKeyField
{
    Date,
    ProjectCode,
    Person,
    Hours,
    CostRate,
    BillRate,
    Notes,

    /// <summary>The entry's id in the tool that exported it (an <c>Id</c> column).</summary>
    Id,
}

/// <summary>
/// What makes two imported time entries the same entry, so that a re-export replaces what an earlier import stored
/// instead of adding to it. The identity is a list of fields (by default date, project code, person and notes).
/// Without <see cref="TimeEntryKeyField.Id"/>, entries sharing those values are told apart by their order: the first
/// such entry of a file is occurrence 1, the next occurrence 2, and so on. With it, the id alone must be unique.
/// </summary>
public sealed class TimeEntryIdentity
{
    public TimeEntryIdentity(IReadOnlyList<TimeEntryKeyField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            throw new ArgumentException("An identity needs at least one field.", nameof(fields));
        }

        Fields = fields.Distinct().ToArray();
        Spec = string.Join('+', Fields);
    }

    /// <summary>Date + ProjectCode + Person + Notes.</summary>
    public static TimeEntryIdentity Default { get; } = new([TimeEntryKeyField.Date, TimeEntryKeyField.ProjectCode, TimeEntryKeyField.Person, TimeEntryKeyField.Notes]);

    public IReadOnlyList<TimeEntryKeyField> Fields { get; }

    /// <summary>The fields joined with <c>+</c>, e.g. <c>Date+ProjectCode+Person+Notes</c>; stored with each entry.</summary>
    public string Spec { get; }

    /// <summary>Whether the identity includes the exporting tool's id (then no occurrence numbers: the id is unique).</summary>
    public bool UsesId => Fields.Contains(TimeEntryKeyField.Id);

    /// <summary>
    /// The key of each entry, in order: a hash of the identity's values (project code and person without case,
    /// numbers without trailing zeros) plus the occurrence number when the identity has no id. Null for an entry
    /// that has no id while the identity needs one, or whose id repeats one earlier in the list.
    /// </summary>
    public IReadOnlyList<string?> Keys(IReadOnlyList<(TimeEntry Entry, string? SourceId)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var keys = new string?[entries.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var (entry, sourceId) = entries[i];
            if (UsesId && string.IsNullOrWhiteSpace(sourceId))
            {
                continue;
            }

            var baseKey = BaseKey(entry, sourceId);
            seen.TryGetValue(baseKey, out var count);
            seen[baseKey] = ++count;
            if (UsesId)
            {
                keys[i] = count == 1 ? Hash(baseKey) : null;
            }
            else
            {
                keys[i] = Hash(baseKey + "\u001f#" + count.ToString(CultureInfo.InvariantCulture));
            }
        }

        return keys;
    }

    /// <summary>The identity's values of one entry, normalised, before any occurrence number.</summary>
    public string BaseKey(TimeEntry entry, string? sourceId)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = Fields.Select(f => f switch
        {
            TimeEntryKeyField.Date => entry.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeEntryKeyField.ProjectCode => entry.ProjectCode.Trim().ToUpperInvariant(),
            TimeEntryKeyField.Person => entry.Person.Trim().ToUpperInvariant(),
            TimeEntryKeyField.Hours => Canonical(entry.Hours),
            TimeEntryKeyField.CostRate => Canonical(entry.CostRate),
            TimeEntryKeyField.BillRate => Canonical(entry.BillRate),
            TimeEntryKeyField.Notes => (entry.Notes ?? "").Trim(),
            TimeEntryKeyField.Id => (sourceId ?? "").Trim(),
            _ => throw new InvalidOperationException($"Unknown field {f}."),
        });
        return Spec + "\u001e" + string.Join('\u001f', parts);
    }

    private static string Canonical(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
