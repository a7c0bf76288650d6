using System.Text.Json.Serialization;

namespace HubSpotPmoSync.Storage.WriteBack;

/// <summary>Serialises the key lists handed to SQLite's <c>json_each</c> without reflection.</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class WriteBackJsonContext : JsonSerializerContext;
