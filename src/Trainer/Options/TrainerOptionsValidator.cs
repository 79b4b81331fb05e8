using Microsoft.Extensions.Options;

namespace SotopiaPi.Trainer.Options;

/// <summary>Lists every invalid trainer setting by its configuration key.</summary>
internal sealed class TrainerOptionsValidator : IValidateOptions<TrainerOptions>
{
    /// <summary>The backend names a trainer knows.</summary>
    public static readonly string[] KnownBackends = ["embedded", "openai", "external"];

    public ValidateOptionsResult Validate(string? name, TrainerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TrainerId))
        {
            failures.Add("Trainer:TrainerId must not be empty.");
        }
        Positive(failures, "Trainer:RenewInterval", options.RenewInterval);
        foreach (var backend in options.Backends.Where(b => !KnownBackends.Contains(b.Trim(), StringComparer.OrdinalIgnoreCase)))
        {
            failures.Add($"Trainer:Backends: '{backend}' is not a backend (known: {string.Join(", ", KnownBackends)}).");
        }

        var openAi = options.OpenAI;
        if (openAi.Endpoint is not null && !IsHttpUrl(openAi.Endpoint))
        {
            failures.Add($"Trainer:OpenAI:Endpoint must be an absolute http(s) address (got '{openAi.Endpoint}').");
        }
        if (string.IsNullOrWhiteSpace(openAi.ApiKeyVariable))
        {
            failures.Add("Trainer:OpenAI:ApiKeyVariable must name an environment variable.");
        }
        if (string.IsNullOrWhiteSpace(openAi.BaseModel))
        {
            failures.Add("Trainer:OpenAI:BaseModel must not be empty.");
        }
        Positive(failures, "Trainer:OpenAI:PollInterval", openAi.PollInterval);
        Positive(failures, "Trainer:OpenAI:JobTimeout", openAi.JobTimeout);
        if (openAi.MaxPollInterval < openAi.PollInterval)
        {
            failures.Add($"Trainer:OpenAI:MaxPollInterval ({openAi.MaxPollInterval}) must be at least Trainer:OpenAI:PollInterval ({openAi.PollInterval}).");
        }

        var external = options.External;
        if (options.Backends.Any(b => string.Equals(b.Trim(), "external", StringComparison.OrdinalIgnoreCase))
            && string.IsNullOrWhiteSpace(external.Command))
        {
            failures.Add("Trainer:External:Command must be set when this trainer serves the 'external' backend.");
        }
        Positive(failures, "Trainer:External:Timeout", external.Timeout);
        Positive(failures, "Trainer:External:ServerRequestTimeout", external.ServerRequestTimeout);
        if (external.LoraR < 1)
        {
            failures.Add($"Trainer:External:LoraR must be at least 1 (got {external.LoraR}).");
        }
        if (external.LoraAlpha < 1)
        {
            failures.Add($"Trainer:External:LoraAlpha must be at least 1 (got {external.LoraAlpha}).");
        }
        if (!double.IsFinite(external.LoraDropout) || external.LoraDropout is < 0 or >= 1)
        {
            failures.Add($"Trainer:External:LoraDropout must be in [0, 1) (got {external.LoraDropout}).");
        }
        if (!double.IsFinite(external.LearningRate) || external.LearningRate <= 0)
        {
            failures.Add($"Trainer:External:LearningRate must be positive (got {external.LearningRate}).");
        }
        if (external.KeepLoadedVersions < 0)
        {
            failures.Add($"Trainer:External:KeepLoadedVersions must be 0 (never unload) or positive (got {external.KeepLoadedVersions}).");
        }
        for (var i = 0; i < external.VllmServers.Count; i++)
        {
            if (!IsHttpUrl(external.VllmServers[i]))
            {
                failures.Add($"Trainer:External:VllmServers:{i} must be an absolute http(s) address (got '{external.VllmServers[i]}').");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} must be positive (got {value}).");
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
