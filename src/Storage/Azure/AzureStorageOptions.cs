using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace SotopiaPi.Storage.Azure;

/// <summary>Where the azure profile keeps Orleans membership and reminders (Table storage), grain state and
/// artifacts (Blob storage): configuration section <c>AzureStorage</c> (environment <c>AzureStorage__ConnectionString</c>,
/// <c>AzureStorage__BlobServiceUri</c>…). Two ways to authenticate: a connection string (account key or SAS), or the
/// service URIs with an identity (<see cref="DefaultAzureCredential"/>: workload identity, managed identity, Azure CLI…).
/// A service URI that carries a SAS query is used as it is, without an identity. Secrets never appear in
/// <see cref="Validate"/>'s messages or in <see cref="Describe"/>.</summary>
public sealed class AzureStorageOptions
{
    public const string SectionName = "AzureStorage";

    /// <summary>An Azure Storage connection string (<c>UseDevelopmentStorage=true</c> or account name + key or SAS and
    /// endpoints). Wins over the service URIs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The Blob service, e.g. <c>https://account.blob.core.windows.net</c> (identity or SAS query).</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>The Table service, e.g. <c>https://account.table.core.windows.net</c> (identity or SAS query).</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>The Blob container of datasets, checkpoints, adapters and training logs.</summary>
    public string ArtifactsContainer { get; set; } = "sotopia-artifacts";

    /// <summary>The Blob container of the grains' state.</summary>
    public string GrainStateContainer { get; set; } = "sotopia-grain-state";

    /// <summary>The Orleans membership table.</summary>
    public string ClusteringTable { get; set; } = "SotopiaMembership";

    /// <summary>The Orleans reminders table.</summary>
    public string RemindersTable { get; set; } = "SotopiaReminders";

    /// <summary>Every problem of these settings, each naming its setting (the secret values are never shown).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        const string prefix = SectionName + ":";
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            try
            {
                _ = new BlobServiceClient(ConnectionString);
                _ = new TableServiceClient(ConnectionString);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                // The parser's message may quote the string (and so the key): name the setting only.
                problems.Add($"{prefix}ConnectionString (AzureStorage__ConnectionString): not a valid Azure Storage connection string " +
                    "(expected UseDevelopmentStorage=true, or AccountName=…;AccountKey=… or SharedAccessSignature=… with the endpoints); the value is not shown.");
            }
        }
        else
        {
            foreach (var (name, value) in new[] { ("BlobServiceUri", BlobServiceUri), ("TableServiceUri", TableServiceUri) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add($"{prefix}{name} (AzureStorage__{name}): required by the azure profile when {prefix}ConnectionString is not set.");
                }
                else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    problems.Add($"{prefix}{name} (AzureStorage__{name}): '{WithoutQuery(value)}' is not an absolute http(s) URL.");
                }
            }
        }
        foreach (var (name, value) in new[] { ("ArtifactsContainer", ArtifactsContainer), ("GrainStateContainer", GrainStateContainer) })
        {
            if (!IsContainerName(value))
            {
                problems.Add($"{prefix}{name}: '{value}' is not a Blob container name (3–63 characters: lower-case letters, digits, single dashes; starts with a letter or digit).");
            }
        }
        foreach (var (name, value) in new[] { ("ClusteringTable", ClusteringTable), ("RemindersTable", RemindersTable) })
        {
            if (string.IsNullOrEmpty(value) || value.Length is < 3 or > 63 || !char.IsAsciiLetter(value[0]) || !value.All(char.IsAsciiLetterOrDigit))
            {
                problems.Add($"{prefix}{name}: '{value}' is not a Table name (3–63 letters or digits, starting with a letter).");
            }
        }
        return problems;
    }

    /// <summary>What the settings point at, for logs: the endpoints and the way of authenticating, never a secret.</summary>
    public string Describe()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            var blob = CreateBlobServiceClient();
            return $"Azure Storage {WithoutQuery(blob.Uri.ToString())} (connection string)";
        }
        return $"Azure Storage {WithoutQuery(BlobServiceUri ?? "")} + {WithoutQuery(TableServiceUri ?? "")} " +
            $"({(HasSas(BlobServiceUri) ? "SAS" : "DefaultAzureCredential")})";
    }

    public BlobServiceClient CreateBlobServiceClient(TokenCredential? credential = null)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new BlobServiceClient(ConnectionString);
        }
        var uri = new Uri(BlobServiceUri!);
        return HasSas(BlobServiceUri) ? new BlobServiceClient(uri) : new BlobServiceClient(uri, credential ?? DefaultCredential.Value);
    }

    public TableServiceClient CreateTableServiceClient(TokenCredential? credential = null)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new TableServiceClient(ConnectionString);
        }
        var uri = new Uri(TableServiceUri!);
        return HasSas(TableServiceUri) ? new TableServiceClient(uri) : new TableServiceClient(uri, credential ?? DefaultCredential.Value);
    }

    /// <summary>One credential per process (it caches tokens).</summary>
    private static readonly Lazy<TokenCredential> DefaultCredential = new(() => new DefaultAzureCredential());

    private static bool HasSas(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);

    /// <summary>A URL without its query (a SAS token is a secret).</summary>
    internal static string WithoutQuery(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q] + "?…";
    }

    private static bool IsContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && !name.Contains("--", StringComparison.Ordinal);
}
