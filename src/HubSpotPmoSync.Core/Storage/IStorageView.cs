using HubSpotPmoSync.Core.WriteBack;

namespace HubSpotPmoSync.Core.Storage;

/// <summary>
/// What commands ask of the store besides its data, whatever the provider: whether it holds anything yet, a
/// read-only view of the write-back state (dry runs, <c>status</c>, <c>schema apply</c>) that creates, migrates and
/// writes nothing, and a check before a cycle or an import writes.
/// </summary>
public interface IStorageView
{
    /// <summary>The store as an operator knows it, for messages: a file's path, or a server database without its password.</summary>
    string Description { get; }

    /// <summary>Whether the store exists with the product's schema (nothing is created by asking).</summary>
    Task<bool> ExistsAsync(CancellationToken cancellationToken);

    /// <summary>The write-back state, read-only: reads of a store that does not exist yet read as empty; writes throw.</summary>
    IWriteBackStore ReadOnlyWriteBack { get; }

    /// <summary>
    /// Checks that this process can write the store before anything is pulled or imported; creates and migrates a new
    /// store as the first write would, and otherwise changes nothing. Throws naming the setting when it cannot.
    /// </summary>
    Task EnsureWritableAsync(CancellationToken cancellationToken);
}
