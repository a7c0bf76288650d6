namespace HubSpotPmoSync.Core.Storage;

/// <summary>
/// The store a setting names cannot be used (a server that cannot be reached, a login refused, a database that does
/// not exist): the message names the setting and never a password. It is the configuration's problem, so the command
/// line exits 2.
/// </summary>
public sealed class StorageConfigurationException : Exception
{
    public StorageConfigurationException()
    {
    }

    public StorageConfigurationException(string message)
        : base(message)
    {
    }

    public StorageConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
