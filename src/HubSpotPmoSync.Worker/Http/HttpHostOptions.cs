using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Http;

/// <summary>The HTTP host of <c>run</c>: where it listens and the credential that lets other machines in.</summary>
public sealed class HttpHostOptions
{
    /// <summary>The configuration section: <c>Http</c>.</summary>
    public const string SectionName = "Http";

    /// <summary>The shortest <see cref="Password"/> accepted.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>
    /// Where to listen: one or more <c>http://HOST:PORT</c> separated by <c>;</c>. HOST is an IP address, <c>localhost</c>
    /// (127.0.0.1) or <c>*</c> / <c>+</c> / <c>0.0.0.0</c> (every interface); PORT 0 picks a free port.
    /// </summary>
    /// <value>The default value is <c>http://127.0.0.1:8080</c>.</value>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// The HTTP Basic password every request from another machine must carry (any user name). Without it, the host
    /// refuses to bind beyond loopback. Never logged.
    /// </summary>
    /// <value>The default value is empty: loopback only.</value>
    public string Password { get; set; } = string.Empty;

    /// <summary>Whether a credential is configured.</summary>
    public bool HasPassword => !string.IsNullOrEmpty(Password);

    /// <summary>The endpoints of <see cref="Urls"/>; the invalid ones are left out (the validator names them).</summary>
    public IReadOnlyList<HttpEndpoint> Endpoints() =>
        [.. SplitUrls(Urls).Select(u => HttpEndpoint.TryParse(u, out var e, out _) ? e : null).OfType<HttpEndpoint>()];

    internal static IEnumerable<string> SplitUrls(string? urls) =>
        (urls ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One address to listen on.</summary>
/// <param name="Address">The IP address; <see cref="IPAddress.Any"/> for every interface.</param>
/// <param name="Port">The port; 0 for a free one.</param>
/// <param name="Url">The URL as configured.</param>
public sealed partial record HttpEndpoint(IPAddress Address, int Port, string Url)
{
    /// <summary>Whether only this machine can reach it.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>Parses <c>http://HOST[:PORT][/]</c>; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string url, out HttpEndpoint endpoint, out string error)
    {
        endpoint = null!;
        var m = UrlPattern().Match(url);
        if (!m.Success)
        {
            error = url.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
                ? $"'{url}' is https: the worker serves plain http; put TLS on a reverse proxy in front of it (docs/operations.md)"
                : $"'{url}' is not an address to listen on; expected http://HOST:PORT, e.g. http://127.0.0.1:8080";
            return false;
        }

        var host = m.Groups["host"].Value;
        var port = 80;
        if (m.Groups["port"].Success && (!int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            error = $"'{url}' has port {m.Groups["port"].Value}; a port is 0–65535 (0: any free port)";
            return false;
        }

        IPAddress? address;
        if (host is "*" or "+")
        {
            address = IPAddress.Any;
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host.Trim('[', ']'), out address))
        {
            error = $"'{url}' names host '{host}'; use an IP address (127.0.0.1, ::1, 0.0.0.0), localhost or * (every interface)";
            return false;
        }

        endpoint = new HttpEndpoint(address, port, url);
        error = string.Empty;
        return true;
    }

    [GeneratedRegex(@"^http://(?<host>\[[0-9A-Fa-f:.]+\]|[^:/\[\]]+)(:(?<port>[0-9]{1,6}))?/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();
}

/// <summary>
/// Checks <c>Http</c> at start: every URL parses, and an address beyond loopback only with <c>Http:Password</c>
/// (at least <see cref="HttpHostOptions.MinimumPasswordLength"/> characters). Every failure is listed, naming its key.
/// </summary>
internal sealed class HttpHostOptionsValidator : IValidateOptions<HttpHostOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpHostOptions options)
    {
        var failures = new List<string>();
        var urls = HttpHostOptions.SplitUrls(options.Urls).ToList();
        if (urls.Count == 0)
        {
            failures.Add("Http:Urls is empty; expected one or more http://HOST:PORT separated by ';' (default http://127.0.0.1:8080).");
        }

        var endpoints = new List<HttpEndpoint>();
        foreach (var url in urls)
        {
            if (HttpEndpoint.TryParse(url, out var endpoint, out var error))
            {
                endpoints.Add(endpoint);
            }
            else
            {
                failures.Add($"Http:Urls: {error}.");
            }
        }

        if (options.HasPassword && options.Password.Length < HttpHostOptions.MinimumPasswordLength)
        {
            failures.Add($"Http:Password is too short: use at least {HttpHostOptions.MinimumPasswordLength} characters (its value is not shown).");
        }

        var open = endpoints.Where(e => !e.IsLoopback).Select(e => e.Url).ToList();
        if (open.Count > 0 && !options.HasPassword)
        {
            failures.Add(
                $"Http:Urls binds {string.Join(", ", open)} beyond loopback, but Http:Password is not set: set Http:Password "
                + "(HTTP Basic; every request from another machine must carry it) or listen on 127.0.0.1 only.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
