using HubSpotPmoSync.Emulator;
using HubSpotPmoSync.Testing.Emulator;

namespace HubSpotPmoSync.Worker.Tests.Support;

/// <summary>Test data added to the emulator through its HTTP API, and questions about its exported state.</summary>
internal static class PortalSeeding
{
    public const string ClosedWon = WonDeals.ClosedWon;

    /// <summary>Creates <paramref name="count"/> closed-won deals, each associated (default type) with one of the portal's companies.</summary>
    public static Task<IReadOnlyList<string>> AddWonDealsAsync(EmulatorFixture emulator, int count, int? companiesUsed = null) =>
        WonDeals.AddAsync(emulator, count, companiesUsed);

    public static IEnumerable<ExportedRecord> Live(this EmulatorState state, string objectType) =>
        state.Objects.TryGetValue(objectType, out var records) ? records.Where(r => !r.Archived) : [];

    /// <summary>The ids <paramref name="fromId"/> is associated with among live records of <paramref name="toType"/>.</summary>
    public static IReadOnlyList<string> Linked(this EmulatorState state, string fromType, string fromId, string toType) =>
        EmulatorStateLinks.Of(state).Linked(fromType, fromId, toType);

    public static string? Prop(this ExportedRecord record, string name) => record.Properties.TryGetValue(name, out var v) ? v : null;
}
