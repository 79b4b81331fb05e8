using System.Net;
using System.Text;

namespace SotopiaPi.Client.Cluster;

/// <summary>The silo answered with an error (a problem-details body) or could not be reached. The message is
/// written for the user: status, title, detail and every field error on its own line.</summary>
internal sealed class SotopiaApiException : Exception
{
    public SotopiaApiException(HttpStatusCode? status, string message, IReadOnlyDictionary<string, string[]>? errors = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status, or null when the silo could not be reached.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>Field → messages, from a 400 answer.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>2 for requests the silo refused as wrong (4xx), 1 otherwise.</summary>
    public int ExitCode => Status is { } s && (int)s is >= 400 and < 500 ? 2 : 1;

    public static string Format(HttpStatusCode status, string? reason, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        var text = new StringBuilder();
        text.Append("the silo answered ").Append((int)status).Append(' ').Append(reason ?? status.ToString());
        if (!string.IsNullOrWhiteSpace(title))
        {
            text.Append(": ").Append(title);
        }
        if (!string.IsNullOrWhiteSpace(detail))
        {
            text.Append(title is null ? ": " : " — ").Append(detail);
        }
        foreach (var (field, messages) in errors ?? new Dictionary<string, string[]>())
        {
            foreach (var message in messages)
            {
                text.AppendLine().Append("  ").Append(field).Append(": ").Append(message);
            }
        }
        return text.ToString();
    }
}
