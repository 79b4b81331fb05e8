using System.Security.Cryptography;
using System.Text;

namespace SotopiaPi.Silo.Api;

/// <summary>Checks <c>Authorization: Bearer &lt;token&gt;</c> against the configured token in constant time
/// (both sides are hashed first, so neither the content nor the length leaks through timing). Holds only the
/// token's hash.</summary>
internal sealed class ApiTokenValidator
{
    private readonly byte[]? _expectedHash;

    public ApiTokenValidator(string? token)
    {
        _expectedHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>The cookie a browser holds for the Orleans dashboard (its pages and script cannot send a bearer
    /// header): set by <c>POST /api/orleans/session</c>, scoped to <c>/orleans</c>.</summary>
    public const string OrleansSessionCookie = "sotopia-orleans";

    /// <summary>The Orleans dashboard cookie's value: an HMAC of a fixed label keyed by the token's hash (it reveals
    /// nothing about the token and is the same on every silo started with the same token), or null without a token.</summary>
    public string? OrleansSessionValue => _expectedHash is null ? null : Convert.ToHexString(HMACSHA256.HashData(_expectedHash, "sotopia orleans dashboard"u8));

    /// <summary>Whether a cookie value is <see cref="OrleansSessionValue"/> (constant time).</summary>
    public bool IsValidOrleansSession(string? cookie)
    {
        if (OrleansSessionValue is not { } expected)
        {
            return true;
        }
        return cookie is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(expected));
    }

    /// <summary>Whether requests need a token at all.</summary>
    public bool Enabled => _expectedHash is not null;

    public bool IsValid(string? authorizationHeader)
    {
        if (_expectedHash is null)
        {
            return true;
        }
        const string Scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expectedHash);
    }
}
