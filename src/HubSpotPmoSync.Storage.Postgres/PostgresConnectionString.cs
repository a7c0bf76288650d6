using Npgsql;

namespace HubSpotPmoSync.Storage.Postgres;

/// <summary>Reads <c>Storage:ConnectionString</c> and describes it without its password.</summary>
public static class PostgresConnectionString
{
    /// <summary>What is wrong with <paramref name="connectionString"/> (naming the key, never the password); null when it parses and names a host.</summary>
    public static string? Problem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "Storage:ConnectionString must be set when Storage:Provider is postgres (an Npgsql connection string, e.g. Host=127.0.0.1;Port=5432;Database=pmo;Username=pmo;Password=...).";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host)
                ? $"Storage:ConnectionString ({Mask(connectionString)}) names no Host."
                : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            // Npgsql's message may quote the value it refused; say only which part is wrong.
            return $"Storage:ConnectionString is not a valid Npgsql connection string ({Mask(connectionString)}): {FirstSentence(e.Message)}";
        }
    }

    /// <summary>The connection string with its password replaced by <c>***</c> (best effort for strings that do not parse).</summary>
    public static string Mask(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = connectionString.Split(';');
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? parts[i] : parts[i][..eq]).Trim();
            if (key.Equals("Password", StringComparison.OrdinalIgnoreCase) || key.Equals("Pwd", StringComparison.OrdinalIgnoreCase)
                || key.Equals("PSW", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = key + "=***";
            }
        }

        return string.Join(';', parts);
    }

    internal static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        if (Problem(connectionString) is { } problem)
        {
            throw new ArgumentException(problem, nameof(connectionString));
        }

        return new NpgsqlConnectionStringBuilder(connectionString);
    }

    /// <summary>Host, port, database, user and schema: enough to find it, nothing secret.</summary>
    internal static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        var schema = string.IsNullOrWhiteSpace(builder.SearchPath) ? "" : $", schema '{builder.SearchPath.Split(',')[0].Trim()}'";
        return $"'{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port} as '{builder.Username}'{schema}";
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        var first = dot > 0 ? message[..(dot + 1)] : message;
        return first.Contains("password", StringComparison.OrdinalIgnoreCase) ? "a key or value is not valid." : first;
    }
}
