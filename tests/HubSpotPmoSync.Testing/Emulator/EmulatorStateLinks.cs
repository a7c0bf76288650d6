using System.Runtime.CompilerServices;
using HubSpotPmoSync.Emulator;

namespace HubSpotPmoSync.Testing.Emulator;

/// <summary>
/// The associations of an exported <see cref="EmulatorState"/> between live records, indexed once by source record
/// and target type. Asking the state's association list per record is a scan of every association, which made
/// checks over thousands of records take minutes.
/// </summary>
public sealed class EmulatorStateLinks
{
    private static readonly ConditionalWeakTable<EmulatorState, EmulatorStateLinks> Cache = [];
    private readonly Dictionary<(string FromType, string FromId, string ToType), List<string>> _targets = [];

    public EmulatorStateLinks(EmulatorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var live = state.Objects
            .SelectMany(o => o.Value.Where(r => !r.Archived).Select(r => (Type: o.Key, r.Id)))
            .ToHashSet();
        foreach (var a in state.Associations)
        {
            if (!live.Contains((a.ToType, a.ToId)))
            {
                continue;
            }

            var key = (a.FromType, a.FromId, a.ToType);
            if (!_targets.TryGetValue(key, out var ids))
            {
                _targets[key] = ids = [];
            }

            if (!ids.Contains(a.ToId, StringComparer.Ordinal))
            {
                ids.Add(a.ToId);
            }
        }
    }

    /// <summary>The index of <paramref name="state"/>, built on first use.</summary>
    public static EmulatorStateLinks Of(EmulatorState state) => Cache.GetValue(state, s => new EmulatorStateLinks(s));

    /// <summary>The ids <paramref name="fromId"/> is associated with among live records of <paramref name="toType"/>, in stored order.</summary>
    public IReadOnlyList<string> Linked(string fromType, string fromId, string toType) =>
        _targets.TryGetValue((fromType, fromId, toType), out var ids) ? ids : [];
}
