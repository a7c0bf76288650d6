using System.Security.Cryptography;
using System.Text;

namespace HubSpotPmoSync.Worker.Webhooks;

/// <summary>
/// HubSpot's request signatures (API-FACTS §12, "Validating requests"). v3: base64(HMAC-SHA256(client secret,
/// method + URI + body + timestamp)) with the URI's listed escapes decoded; v1 and v2 are hex SHA-256 digests of the
/// secret followed by the body (v1) or by method, URI and body (v2).
/// </summary>
internal static class HubSpotSignature
{
    /// <summary>How old a request's timestamp may be.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private static readonly (string Escape, string Character)[] Decoded =
    [
        ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"), ("%27", "'"),
        ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
    ];

    /// <summary>The v3 signature of a request.</summary>
    public static string V3(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp) =>
        Convert.ToBase64String(V3Bytes(clientSecret, method, uri, body, timestamp));

    /// <summary>The v1 signature: hex SHA-256 of secret + body.</summary>
    public static string V1(string clientSecret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(SHA256.HashData(Concat(Encoding.UTF8.GetBytes(clientSecret), body, [])));

    /// <summary>The v2 signature: hex SHA-256 of secret + method + URI + body.</summary>
    public static string V2(string clientSecret, string method, string uri, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(SHA256.HashData(Concat(Encoding.UTF8.GetBytes(clientSecret + method + uri), body, [])));

    /// <summary>
    /// Whether <paramref name="signature"/> is the v3 signature of the request, compared in constant time (a value
    /// that is not base64 is simply wrong).
    /// </summary>
    public static bool VerifyV3(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp, string signature)
    {
        var expected = V3Bytes(clientSecret, method, uri, body, timestamp);
        var given = new byte[expected.Length + 3];
        if (!Convert.TryFromBase64String(signature.Trim(), given, out var written))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given.AsSpan(0, written));
    }

    /// <summary>The URI as HubSpot signs it: the listed percent-escapes decoded (either case).</summary>
    public static string DecodeUri(string uri)
    {
        var result = uri;
        foreach (var (escape, character) in Decoded)
        {
            result = result.Replace(escape, character, StringComparison.OrdinalIgnoreCase);
        }

        return result;
    }

    private static byte[] V3Bytes(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp)
    {
        var source = Concat(Encoding.UTF8.GetBytes(method + DecodeUri(uri)), body, Encoding.UTF8.GetBytes(timestamp));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), source);
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var all = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(all);
        b.CopyTo(all.AsSpan(a.Length));
        c.CopyTo(all.AsSpan(a.Length + b.Length));
        return all;
    }
}
