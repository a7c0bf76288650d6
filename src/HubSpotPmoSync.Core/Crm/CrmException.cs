namespace HubSpotPmoSync.Core.Crm;

/// <summary>A call to the CRM failed for good (after any retries). The message never carries credentials.</summary>
public class CrmException : Exception
{
    public CrmException() { }

    public CrmException(string message) : base(message) { }

    public CrmException(string message, Exception? inner) : base(message, inner) { }

    public CrmException(string message, int? statusCode, string? category, Exception? inner = null) : base(message, inner)
    {
        StatusCode = statusCode;
        Category = category;
    }

    /// <summary>HTTP status of the last attempt, when there was a response.</summary>
    public int? StatusCode { get; }

    /// <summary>HubSpot's error category, when it gave one.</summary>
    public string? Category { get; }
}

/// <summary>The portal's daily quota (or this worker's configured share of it) is used up; no retry helps until it resets.</summary>
public sealed class CrmQuotaExceededException : CrmException
{
    public CrmQuotaExceededException() { }

    public CrmQuotaExceededException(string message) : base(message, 429, "RATE_LIMIT") { }

    public CrmQuotaExceededException(string message, Exception? inner) : base(message, 429, "RATE_LIMIT", inner) { }
}

/// <summary>The CRM refused the credentials (401/403). The message names the setting, never its value.</summary>
public class CrmAuthenticationException : CrmException
{
    public CrmAuthenticationException() { }

    public CrmAuthenticationException(string message) : base(message, 401, "INVALID_AUTHENTICATION") { }

    public CrmAuthenticationException(string message, Exception? inner) : base(message, 401, "INVALID_AUTHENTICATION", inner) { }

    /// <summary>For refusals other than a 401, e.g. a 403 for missing scopes.</summary>
    public CrmAuthenticationException(string message, int statusCode, string? category, Exception? inner = null)
        : base(message, statusCode, category, inner) { }
}

/// <summary>
/// HubSpot refused a call because the token lacks scopes (403 <c>MISSING_SCOPES</c>). Never retried: the operator must
/// add the scopes to the service key or app. The message names the scopes and the call, never the token.
/// </summary>
public sealed class CrmMissingScopesException : CrmAuthenticationException
{
    /// <summary>HubSpot's error category for a missing scope.</summary>
    public const string MissingScopesCategory = "MISSING_SCOPES";

    public CrmMissingScopesException() : this("HubSpot refused the call: the token lacks scopes.", []) { }

    public CrmMissingScopesException(string message) : this(message, []) { }

    public CrmMissingScopesException(string message, Exception? inner) : base(message, 403, MissingScopesCategory, inner) => RequiredScopes = [];

    public CrmMissingScopesException(string message, IReadOnlyList<string> requiredScopes, Exception? inner = null)
        : base(message, 403, MissingScopesCategory, inner) => RequiredScopes = requiredScopes;

    /// <summary>The scopes HubSpot says the call needs (<c>requiredGranularScopes</c>), in its order; empty when it named none.</summary>
    public IReadOnlyList<string> RequiredScopes { get; }
}
