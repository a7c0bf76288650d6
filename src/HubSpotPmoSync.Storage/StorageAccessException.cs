namespace HubSpotPmoSync.Storage;

/// <summary>
/// The database named by <c>Storage:DatabasePath</c>, or its folder, cannot be written by this user: the message
/// names the file or the folder, the setting and what to do. Nothing was written. It is the user's configuration
/// (the setting points at a place this user may not write), so the command line exits 2.
/// </summary>
public sealed class StorageAccessException : Exception
{
    public StorageAccessException()
    {
    }

    public StorageAccessException(string message)
        : base(message)
    {
    }

    public StorageAccessException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The database file (or its -wal/-shm companion) is read-only for this user.</summary>
    public static StorageAccessException ReadOnlyFile(string databasePath, string file, Exception? inner) => new(
        $"the database '{databasePath}' (Storage:DatabasePath) is read-only for this user"
        + (file == databasePath ? "" : $" (its file '{file}' is)")
        + $"; nothing was written. Make it writable (chmod u+w '{file}') or set Storage:DatabasePath to a file this user may write.",
        inner);

    /// <summary>The database's folder does not let this user create files (the lock, WAL and shared-memory files, or the database itself).</summary>
    public static StorageAccessException FolderNotWritable(string databasePath, string folder, Exception? inner) => new(
        $"the folder '{folder}' of the database '{databasePath}' (Storage:DatabasePath) is not writable for this user, and the database "
        + "needs its lock, WAL and shared-memory files beside it; nothing was written. Make the folder writable or set "
        + "Storage:DatabasePath to a file in a folder this user may write.",
        inner);
}
