namespace SotopiaPi.Trainer.Options;

/// <summary>How the <c>external</c> backend trains (a command that writes a LoRA adapter) and serves (vLLM
/// servers that hot-load it). Bound from "Trainer:External". Hyper-parameter defaults are SOTOPIA-π's
/// (QLoRA on q_proj,v_proj, r 8, alpha 32, dropout 0.1, lr 5e-5, cosine schedule, warm-up 3%); a campaign's
/// trainer options (<c>lora_r</c>, <c>learning_rate</c>, …) override them per request.</summary>
public sealed class ExternalTrainingOptions
{
    /// <summary>The executable to run (a path, or a name found on PATH). Not run through a shell.</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments, one element per argument; <c>{placeholder}</c>s are replaced (see docs/trainer.md).</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Extra environment variables for the command (values may use placeholders too).</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The command's working folder; null = the adapter output folder.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>A command still running after this is killed and the request fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The base model the adapters are trained on (<c>{base_model}</c>).</summary>
    public string BaseModel { get; set; } = "mistralai/Mistral-7B-Instruct-v0.1";

    public int LoraR { get; set; } = 8;

    public int LoraAlpha { get; set; } = 32;

    public double LoraDropout { get; set; } = 0.1;

    /// <summary>Comma-separated module names LoRA is applied to.</summary>
    public string TargetModules { get; set; } = "q_proj,v_proj";

    public double LearningRate { get; set; } = 5e-5;

    public string LrScheduler { get; set; } = "cosine";

    public double WarmupRatio { get; set; } = 0.03;

    /// <summary>Base addresses of every vLLM server that must serve the new adapter (e.g.
    /// <c>http://vllm-0.vllm:8000</c>); each is started with <c>--enable-lora</c> and
    /// <c>VLLM_ALLOW_RUNTIME_LORA_UPDATING=True</c>. Empty = train and publish without hot-loading.</summary>
    public List<string> VllmServers { get; set; } = [];

    /// <summary>The environment variable holding the vLLM servers' API key (their <c>--api-key</c>), if any.</summary>
    public string? VllmApiKeyVariable { get; set; }

    /// <summary>Where the artifact root is mounted inside the vLLM servers (null = the same path as here).</summary>
    public string? AdapterRootOnServer { get; set; }

    /// <summary>Timeout of one call to a vLLM server (loading an adapter can take a while).</summary>
    public TimeSpan ServerRequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Call every server once (one token, model = the adapter) before and after publishing; an adapter
    /// that does not answer under its name fails the publish.</summary>
    public bool ProbeAfterPublish { get; set; } = true;

    /// <summary>After a publish, unload adapters of this policy older than the newest N versions (0 = never
    /// unload). Never unloads the active version, a version pinned by a pending or running episode, or a
    /// version of a campaign that is still running (its evaluation plays every version).</summary>
    public int KeepLoadedVersions { get; set; }
}
