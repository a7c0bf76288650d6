using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubSpotPmoSync.Worker.Http;

/// <summary>
/// Marks an endpoint that authenticates requests itself (e.g. a webhook checking its signature), so that
/// <see cref="RemoteAccessGuard"/> lets requests from other machines through to it without the HTTP credential.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllowRemoteWithoutCredentialAttribute : Attribute
{
}

/// <summary>
/// The host's door. A request from this machine (a loopback remote address, with no <c>Forwarded</c> or
/// <c>X-Forwarded-For</c> header: a reverse proxy on this machine forwards other machines' requests) passes. Any
/// other needs HTTP Basic with <c>Http:Password</c> (any user name; compared in constant time): 401 with a challenge
/// otherwise, or 403 when no password is configured (then nothing but this machine gets in).
/// </summary>
internal sealed class RemoteAccessGuard(RequestDelegate next, IOptionsMonitor<HttpHostOptions> options)
{
    /// <summary>The realm of the Basic challenge.</summary>
    public const string Realm = "HubSpotPmoSync";

    public Task InvokeAsync(HttpContext context)
    {
        if (IsFromThisMachine(context)
            || context.GetEndpoint()?.Metadata.GetMetadata<AllowRemoteWithoutCredentialAttribute>() is not null)
        {
            return next(context);
        }

        var password = options.CurrentValue.Password;
        if (string.IsNullOrEmpty(password))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("Only this machine may use this page: set Http:Password to let other machines in with it.\n");
        }

        if (CarriesPassword(context.Request.Headers.Authorization.ToString(), password))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Sign in with the password configured as Http:Password (any user name).\n");
    }

    /// <summary>Whether the request comes straight from this machine: loopback, and not forwarded by a proxy.</summary>
    public static bool IsFromThisMachine(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return IPAddress.IsLoopback(remote)
            && !context.Request.Headers.ContainsKey("Forwarded")
            && !context.Request.Headers.ContainsKey("X-Forwarded-For");
    }

    /// <summary>Whether an <c>Authorization</c> header is Basic with <paramref name="password"/> (user name ignored).</summary>
    public static bool CarriesPassword(string authorization, string password)
    {
        const string scheme = "Basic ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // Hashes of both, so that the comparison takes the same time whatever the lengths and contents.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(decoded[(colon + 1)..]));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
