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
