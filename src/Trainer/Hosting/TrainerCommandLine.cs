namespace SotopiaPi.Trainer.Hosting;

/// <summary>The trainer process's command line: <c>--store</c>, <c>--artifacts</c>, <c>--backend</c>,
/// <c>--config</c>, <c>--id</c>, <c>--help</c>, and any configuration key as <c>--Section:Key value</c> or
/// <c>--Section:Key=value</c> (for example <c>--Trainer:RenewInterval 00:00:05</c>).</summary>
public sealed record TrainerCommandLine
{
    public const string Usage = """
        SotopiaPi trainer: an Orleans client that takes training requests from the cluster's training queue, trains new
        policy versions and publishes them through the policy registry grain.

        Usage: dotnet SotopiaPi.Trainer.dll --store <sqlite-file | postgresql-connection-string> --artifacts <dir> [options]
               dotnet run --project src/Trainer -- --store … --artifacts …

          --store VALUE      the store: a SQLite file path or a PostgreSQL connection string   (env SOTOPIA_STORE)
          --artifacts DIR    the artifact root (a shared volume in a cluster)                   (env SOTOPIA_ARTIFACTS)
          --profile NAME     auto, or azure: the silos' Azure Table membership and the Blob artifact container
                             (section AzureStorage; --artifacts is then the local copy folder)  (env SOTOPIA_PROFILE)
          --backend LIST     backends this trainer serves, comma-separated: embedded, openai, external
                             (default: all)                                                     (env SOTOPIA_TRAINER_BACKENDS)
          --config FILE      a JSON file with a "Trainer" section (see docs/trainer.md)         (env SOTOPIA_TRAINER_CONFIG)
          --id NAME          this trainer's id in the training queue and request rows           (env Trainer__TrainerId)
          --Section:Key V    any setting, e.g. --Trainer:RenewInterval 00:00:05, --Trainer:External:VllmServers:0 http://vllm:8000
          -h, --help         this text

        Settings come from (later wins): the --config file, environment variables (Trainer__OpenAI__BaseModel, …),
        the command line. API keys only come from the environment (OPENAI_API_KEY, or the variables named by
        Trainer:OpenAI:ApiKeyVariable and Trainer:External:VllmApiKeyVariable).
        SIGTERM / Ctrl+C: the request being trained is handed back to the queue and the process exits 0.
        """;

    public string? Store { get; init; }
    public string? Artifacts { get; init; }
    public IReadOnlyList<string>? Backends { get; init; }
    public string? ConfigFile { get; init; }
    public string? TrainerId { get; init; }
    public bool Help { get; init; }

    /// <summary>Configuration overrides in the form the command-line configuration provider reads.</summary>
    public IReadOnlyList<string> ConfigurationArguments { get; init; } = [];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad argument.</summary>
    public static TrainerCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new TrainerCommandLine();
        var passthrough = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 && arg.StartsWith("--", StringComparison.Ordinal)
                ? (arg[..eq], arg[(eq + 1)..])
                : (arg, null);
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Option {name} needs a value.");
                }
                return args[++i];
            }
            switch (name)
            {
                case "-h" or "--help" or "-?":
                    result = result with { Help = true };
                    break;
                case "--store":
                    result = result with { Store = Value() };
                    break;
                case "--artifacts":
                    result = result with { Artifacts = Value() };
                    break;
                case "--backend" or "--backends":
                    result = result with { Backends = SplitList(Value()) };
                    break;
                case "--config":
                    result = result with { ConfigFile = Value() };
                    break;
                case "--id":
                    result = result with { TrainerId = Value() };
                    break;
                case "--profile":
                    passthrough.Add($"{TrainerProfile.Setting}={Value()}");
                    break;
                default:
                    if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
                    {
                        passthrough.Add($"{name}={Value()}");
                        break;
                    }
                    throw new ArgumentException($"Unknown argument '{arg}'.");
            }
        }
        return result with { ConfigurationArguments = passthrough };
    }

    /// <summary>"embedded, openai" → ["embedded", "openai"].</summary>
    public static IReadOnlyList<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
