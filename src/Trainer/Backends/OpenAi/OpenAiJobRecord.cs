namespace SotopiaPi.Trainer.Backends.OpenAi;

/// <summary>What the OpenAI backend remembers about a request in the artifact store
/// (<c>checkpoints/&lt;policy&gt;/&lt;request&gt;/openai-job.json</c>), written after each remote side effect, so a
/// trainer that takes over a crashed trainer's request follows the same job instead of starting another. The
/// finished record is the version's checkpoint file.</summary>
internal sealed record OpenAiJobRecord
{
    public required string RequestId { get; init; }
    public required string DatasetHash { get; init; }
    public required string BaseModel { get; init; }
    public string? FileId { get; init; }
    /// <summary>A job creation was sent (written just before it): only then can a job exist whose id this record
    /// lacks, and only then does a trainer that takes over look for it by metadata.</summary>
    public bool JobRequested { get; init; }
    public string? JobId { get; init; }
    public string? Status { get; init; }
    public string? FineTunedModel { get; init; }
    public int? TrainedTokens { get; init; }
}
