using System.Net;
using System.Text;
using HubSpotPmoSync.Worker.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HubSpotPmoSync.Worker.Tests.Http;

/// <summary>Who gets through: this machine always; another machine only with <c>Http:Password</c> as HTTP Basic.</summary>
public sealed class RemoteAccessGuardTests
{
    private const string Password = "correct horse battery";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Loopback_PassesWithoutCredential(string remote)
    {
        var (passed, context) = await SendAsync(remote, password: null);

        Assert.True(passed);
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task OtherMachine_NoPasswordConfigured_403()
    {
        var (passed, context) = await SendAsync("203.0.113.7", password: null);

        Assert.False(passed);
        Assert.Equal(403, context.Response.StatusCode);
    }

    [Fact]
    public async Task OtherMachine_WithoutCredential_401WithBasicChallenge()
    {
        var (passed, context) = await SendAsync("203.0.113.7", Password);

        Assert.False(passed);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("Basic realm=\"HubSpotPmoSync\", charset=\"UTF-8\"", context.Response.Headers.WWWAuthenticate.ToString());
    }

    [Theory]
    [InlineData("pmo:wrong password here")]
    [InlineData("pmo:" + Password + "x")]
    [InlineData("no-colon")]
    public async Task OtherMachine_WrongCredential_401(string userAndPassword)
    {
        var (passed, context) = await SendAsync("203.0.113.7", Password, Basic(userAndPassword));

        Assert.False(passed);
        Assert.Equal(401, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("pmo:" + Password)]
    [InlineData(":" + Password)]
    public async Task OtherMachine_RightPassword_AnyUserName_Passes(string userAndPassword)
    {
        var (passed, _) = await SendAsync("203.0.113.7", Password, Basic(userAndPassword));

        Assert.True(passed);
    }

    [Theory]
    [InlineData("X-Forwarded-For")]
    [InlineData("Forwarded")]
    public async Task Loopback_ForwardedByAProxy_CountsAsAnotherMachine(string header)
    {
        var (passed, context) = await SendAsync("127.0.0.1", Password, headers: (header, "198.51.100.4"));
        var (withCredential, _) = await SendAsync("127.0.0.1", Password, Basic("pmo:" + Password), (header, "198.51.100.4"));

        Assert.False(passed);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.True(withCredential);
    }

    [Fact]
    public async Task UnknownRemoteAddress_CountsAsAnotherMachine()
    {
        var (passed, context) = await SendAsync(null, password: null);

        Assert.False(passed);
        Assert.Equal(403, context.Response.StatusCode);
    }

    [Fact]
    public void CarriesPassword_MalformedHeaders_False()
    {
        Assert.False(RemoteAccessGuard.CarriesPassword("", Password));
        Assert.False(RemoteAccessGuard.CarriesPassword("Bearer " + Password, Password));
        Assert.False(RemoteAccessGuard.CarriesPassword("Basic !!!not-base64", Password));
        Assert.True(RemoteAccessGuard.CarriesPassword("basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("a:" + Password)), Password));
    }

    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    private static async Task<(bool Passed, HttpContext Context)> SendAsync(string? remote, string? password, string? authorization = null, (string Name, string Value)? headers = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (headers is { } h)
        {
            context.Request.Headers[h.Name] = h.Value;
        }

        var passed = false;
        var options = new OptionsMonitor(new HttpHostOptions { Password = password ?? string.Empty });
        var guard = new RemoteAccessGuard(_ =>
        {
            passed = true;
            return Task.CompletedTask;
        }, options);
        await guard.InvokeAsync(context);
        return (passed, context);
    }

    private sealed class OptionsMonitor(HttpHostOptions value) : IOptionsMonitor<HttpHostOptions>
    {
        public HttpHostOptions CurrentValue => value;

        public HttpHostOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HttpHostOptions, string?> listener) => null;
    }
}
