using HubSpotPmoSync.Worker;
using HubSpotPmoSync.Worker.Http;
using HubSpotPmoSync.Worker.Http.Portfolio;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The HTTP host of <c>run</c> (Kestrel on <c>Http:Urls</c>), in the same generic host as the Quartz schedule and
/// stopped with it. Endpoint groups are added beside each other (<see cref="PortfolioPageEndpoints.MapPortfolioPage"/>;
/// webhooks, health and metrics later), all behind the <see cref="RemoteAccessGuard"/>.
/// </summary>
internal static class HttpHostExtensions
{
    /// <summary>Binds and validates <c>Http</c> at start, and has Kestrel listen on exactly <c>Http:Urls</c>.</summary>
    public static WebApplicationBuilder AddHttpHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<HttpHostOptions>()
            .Bind(builder.Configuration.GetSection(HttpHostOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpHostOptions>, HttpHostOptionsValidator>());

        // Kestrel listens where Http:Urls says and nowhere else (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS and the
        // 'urls' key are overridden). Invalid URLs are left out here: the validator stops the host before Kestrel starts.
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            foreach (var endpoint in ReadEndpoints(builder.Configuration))
            {
                kestrel.Listen(endpoint.Address, endpoint.Port);
            }
        });
        services.AddRouting();
        services.TryAddSingleton<PortfolioReader>();

        // ASP.NET Core's own information lines (one per request) would drown the worker's; warnings and errors stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return builder;
    }

    /// <summary>The guard before every endpoint, and the <c>listening on URL</c> line once Kestrel has bound.</summary>
    public static WebApplication UseHttpHost(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.UseMiddleware<RemoteAccessGuard>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HubSpotPmoSync.Worker.Http");
            var options = app.Services.GetRequiredService<IOptions<HttpHostOptions>>().Value;
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Log.HttpListening(logger, address, options.HasPassword ? "other machines with Http:Password" : "this machine only");
            }
        });
        return app;
    }

    private static IReadOnlyList<HttpEndpoint> ReadEndpoints(Microsoft.Extensions.Configuration.ConfigurationManager configuration)
    {
        var options = new HttpHostOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(HttpHostOptions.SectionName), options);
        return options.Endpoints();
    }
}
