namespace SotopiaPi.Trainer.Options;

/// <summary>Where and how the <c>openai</c> backend runs fine-tuning jobs. Bound from "Trainer:OpenAI". The API
/// key is read from the environment variable named by <see cref="ApiKeyVariable"/> when a job starts; it is
/// never stored in options, files or logs.</summary>
public sealed class OpenAiFineTuningOptions
{
    /// <summary>The API base address (e.g. <c>https://api.openai.com/v1</c>); null = the environment variable
    /// <c>OPENAI_BASE_URL</c> if set, otherwise OpenAI's.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The environment variable holding the API key.</summary>
    public string ApiKeyVariable { get; set; } = "OPENAI_API_KEY";

    public string? OrganizationId { get; set; }

    public string? ProjectId { get; set; }

    /// <summary>The model the first (BC) round fine-tunes; later rounds continue from the previous fine-tuned
    /// model. A campaign's trainer option <c>base_model</c> overrides it.</summary>
    public string BaseModel { get; set; } = "gpt-4o-mini-2024-07-18";

    /// <summary>Suffix OpenAI puts into the fine-tuned model's name (up to 64 characters).</summary>
    public string Suffix { get; set; } = "sotopia-pi";

    /// <summary>First wait between two status polls; it doubles while nothing changes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between two status polls.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A job still running after this is cancelled and the request fails.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Call the fine-tuned model once (one token) before and after publishing it; a model that does not
    /// answer under its name fails the publish.</summary>
    public bool ProbeAfterPublish { get; set; } = true;
}
