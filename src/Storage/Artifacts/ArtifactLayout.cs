using System.Globalization;

namespace SotopiaPi.Storage.Artifacts;

/// <summary>Where each kind of artifact lives under the artifact root (see <c>README.md</c> in this folder).
/// Every method returns a relative path with '/' separators; ids become single path segments.</summary>
public static class ArtifactLayout
{
    /// <summary><c>datasets/&lt;campaign&gt;/round-&lt;n&gt;.chat.jsonl</c>: a round's filtered SFT export.</summary>
    public static string Dataset(string campaignId, int round) =>
        $"datasets/{Segment(campaignId, nameof(campaignId))}/round-{round.ToString(CultureInfo.InvariantCulture)}.chat.jsonl";

    /// <summary><c>checkpoints/&lt;policy&gt;/&lt;request&gt;/</c>: what one training request produced (the
    /// simulator's <c>model.json</c>, the OpenAI backend's <c>openai-job.json</c>).</summary>
    public static string Checkpoint(string policyName, string requestId, string fileName) =>
        $"checkpoints/{Segment(policyName, nameof(policyName))}/{Segment(requestId, nameof(requestId))}/{Segment(fileName, nameof(fileName))}";

    /// <summary><c>adapters/&lt;policy&gt;/&lt;request&gt;</c>: a LoRA adapter folder written by the external
    /// backend's command (what vLLM loads).</summary>
    public static string Adapter(string policyName, string requestId) =>
        $"adapters/{Segment(policyName, nameof(policyName))}/{Segment(requestId, nameof(requestId))}";

    /// <summary><c>logs/training/&lt;policy&gt;/&lt;request&gt;.log</c>: a training run's log.</summary>
    public static string TrainingLog(string policyName, string requestId) =>
        $"logs/training/{Segment(policyName, nameof(policyName))}/{Segment(requestId, nameof(requestId))}.log";

    /// <summary>Checks that <paramref name="value"/> can be one path segment (not empty, no separator, not
    /// <c>.</c>/<c>..</c>, no control characters) and returns it.</summary>
    public static string Segment(string value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "." or ".." || value.IndexOfAny(['/', '\\', '\0']) >= 0 || value.Any(char.IsControl))
        {
            throw new ArgumentException($"'{value}' cannot be used as an artifact path segment ({what}).", what);
        }
        return value;
    }
}
