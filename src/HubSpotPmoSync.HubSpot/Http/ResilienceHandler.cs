using Polly;

namespace HubSpotPmoSync.HubSpot.Http;

/// <summary>
/// Runs every request through the one HubSpot resilience pipeline. The pipeline is a singleton held by
/// <see cref="HubSpotPipeline"/>: IHttpClientFactory recycles handlers, and a pipeline per handler would
/// silently reset the circuit breaker and the rate-limit state.
/// </summary>
internal sealed class ResilienceHandler(HubSpotPipeline pipeline) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HubSpotPipeline.CallKey, HubSpotCall.Of(request));
        try
        {
            return await pipeline.Pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendAttemptAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
