namespace HubSpotPmoSync.Core.Crm;

/// <summary>When the CRM last answered this process: what the worker's readiness check asks of the adapter.</summary>
public interface ICrmReachability
{
    /// <summary>
    /// When the CRM last gave an HTTP answer below 500 (a 429 or a 4xx included: it is there and talking); null while
    /// this process has had none. An attempt without an answer (refused, reset, timeout) or a 5xx does not count.
    /// </summary>
    DateTimeOffset? LastAnswerAt { get; }
}
