using System.Globalization;
using System.Net;
using HubSpotPmoSync.HubSpot.RateLimiting;
using HubSpotPmoSync.HubSpot.Telemetry;
using Polly;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>
/// The pipeline stage between the circuit breaker and the attempt timeout: waits for the client-side rate
/// limiter before each attempt (so the wait does not eat into the attempt's timeout), feeds the answer's
/// rate-limit headers and round trip back to it, and counts the attempt by route and outcome (and on the worker's meter).
/// </summary>
internal sealed class ClientRateLimitStrategy(HubSpotRateLimiter limiter, HubSpotUsage usage, HubSpotMetrics? metrics = null) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var call = context.Properties.GetValue(HubSpotPipeline.CallKey, HubSpotPipeline.UnknownCall);
        HubSpotRateLimiter.Lease lease;
        try
        {
            lease = await limiter.AcquireAsync(call.Budget, call.Route, context.CancellationToken);
        }
        catch (Exception e)
        {
            return Outcome.FromException<HttpResponseMessage>(e);
        }

        using (lease)
        {
            var outcome = await callback(context, state);
            if (outcome.Result is { } response)
            {
                string? policy = null;
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    policy = (await HubSpotErrorBody.ReadAsync(response, CancellationToken.None)).RateLimitPolicy;
                }
                else
                {
                    // A refusal comes back at once; only answers of work done measure the round trip.
                    lease.Answered();
                }

                limiter.Observe(call.Budget, response, policy);
                var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                usage.Record(call.Route, status);
                metrics?.RecordAttempt(call, status, (int)response.StatusCode, policy);
            }
            else
            {
                var failure = OutcomeOf(outcome.Exception, context.CancellationToken);
                usage.Record(call.Route, failure);
                metrics?.RecordAttempt(call, failure, null, null);
            }

            return outcome;
        }
    }

    internal static string OutcomeOf(Exception? exception, CancellationToken cancellationToken) => NetworkFailure.Key(exception, cancellationToken);
}
