using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer.Options;
using SotopiaPi.Trainer.Serving;

namespace SotopiaPi.Trainer.Backends.External;

/// <summary>The <c>external</c> backend: runs the configured LoRA-SFT command (no shell; arguments from a
/// template) with the dataset, output folder and hyper-parameters, streams its output into the request's
/// progress and a log file in the artifact store, checks that it wrote a LoRA adapter, and hot-loads the
/// adapter into every configured vLLM server (proving each serves it) before the version is published under the
/// adapter's name. A finished adapter is marked with a manifest, so a trainer that takes over after a crash
/// reuses it instead of training again; an unfinished one is deleted and trained again.</summary>
internal sealed partial class ExternalTrainingBackend(
    IArtifactStore artifacts,
    VllmAdapterDeployer deployer,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<ExternalTrainingBackend> logger) : ITrainingBackend
{
    /// <summary>Written into a finished, validated adapter folder; excluded from its content hash.</summary>
    public const string ManifestFile = "sotopia-adapter.json";

    private const int TailLines = 15;

    public string Name => "external";

    /// <summary>The adapter's model name on the servers: "&lt;policy&gt;-&lt;request&gt;", with characters other than
    /// letters, digits, '.', '_' and '-' replaced by '-'.</summary>
    public static string AdapterName(string policyName, string requestId) =>
        UnsafeNameCharacters().Replace($"{policyName}-{requestId}", "-");

    public async Task<TrainedCheckpoint> TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var o = options.Value.External;
        var request = context.Request;
        var relative = ArtifactLayout.Adapter(request.PolicyName, request.Id);
        var folder = artifacts.GetFullPath(relative);
        var values = Placeholders(context, o, folder);

        var manifest = await ReadManifestAsync(folder, request, cancellationToken);
        if (manifest is null)
        {
            if (string.IsNullOrWhiteSpace(o.Command))
            {
                throw new TrainingBackendException("The external backend has no command: set Trainer:External:Command (and Trainer:External:Arguments).");
            }
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Directory.CreateDirectory(folder);
            await context.ConfirmOwnershipAsync($"external: starting {Path.GetFileName(o.Command)}", cancellationToken);
            await RunCommandAsync(o, values, context, request, cancellationToken);
            var info = await LoraAdapterValidator.ValidateAsync(folder, cancellationToken);
            var hash = await DirectoryHash.ComputeAsync(folder, [ManifestFile], cancellationToken);
            manifest = new AdapterManifest
            {
                RequestId = request.Id,
                DatasetHash = request.DatasetHash,
                ContentHash = hash,
                R = info.R,
                Alpha = info.Alpha,
                TargetModules = info.TargetModules,
                BaseModel = info.BaseModel,
                WeightsFile = info.WeightsFile,
                WeightsBytes = info.WeightsBytes,
            };
            await File.WriteAllTextAsync(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, SotopiaJson.Indented), cancellationToken);
        }
        else
        {
            context.Progress.Report($"external: reusing the adapter already trained for {request.Id}");
        }

        var name = AdapterName(request.PolicyName, request.Id);
        if (deployer.Servers.Count > 0)
        {
            await context.ConfirmOwnershipAsync($"external: loading adapter {name} into {deployer.Servers.Count} vLLM server(s)", cancellationToken);
            await deployer.LoadEverywhereAsync(name, relative, context.Progress, cancellationToken);
        }
        var metrics = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        metrics["epochs"] = request.Settings.Epochs;
        metrics["lora_r"] = manifest.R;
        metrics["lora_alpha"] = manifest.Alpha;
        metrics["learning_rate"] = double.Parse(values["learning_rate"], CultureInfo.InvariantCulture);
        metrics["adapter_bytes"] = manifest.WeightsBytes;
        metrics["vllm_servers"] = deployer.Servers.Count;
        return new TrainedCheckpoint(name, relative, manifest.ContentHash, metrics.ToImmutable());
    }

    public async Task VerifyPublishedAsync(PolicyVersion version, CancellationToken cancellationToken)
    {
        if (deployer.Servers.Count > 0 && version.CheckpointPath is { } path)
        {
            await deployer.VerifyEverywhereAsync(version.Model, path, cancellationToken);
        }
    }

    public async Task OnPublishedAsync(PolicyVersion version, CancellationToken cancellationToken) =>
        await deployer.RetireAsync(version, cancellationToken);

    /// <summary>Every placeholder a command template may use (see docs/trainer.md); the campaign's trainer
    /// options override the defaults and add their own names.</summary>
    internal Dictionary<string, string> Placeholders(TrainingContext context, ExternalTrainingOptions o, string outputFolder)
    {
        var request = context.Request;
        var inv = CultureInfo.InvariantCulture;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["base_model"] = o.BaseModel,
            ["lora_r"] = o.LoraR.ToString(inv),
            ["lora_alpha"] = o.LoraAlpha.ToString(inv),
            ["lora_dropout"] = o.LoraDropout.ToString(inv),
            ["target_modules"] = o.TargetModules,
            ["learning_rate"] = o.LearningRate.ToString("R", inv),
            ["lr_scheduler"] = o.LrScheduler,
            ["warmup_ratio"] = o.WarmupRatio.ToString(inv),
        };
        foreach (var (key, value) in request.Settings.Options)
        {
            values[key] = value;
        }
        var baseAdapter = context.BaseVersion.CheckpointPath is { } path && path.StartsWith("adapters/", StringComparison.Ordinal)
            ? artifacts.GetFullPath(path)
            : "";
        values["dataset"] = artifacts.GetFullPath(request.DatasetPath);
        values["output"] = outputFolder;
        values["base_adapter"] = baseAdapter;
        values["epochs"] = request.Settings.Epochs.ToString(inv);
        values["max_prompt_tokens"] = request.Settings.MaxPromptTokens.ToString(inv);
        values["seed"] = request.Seed.ToString(inv);
        values["request"] = request.Id;
        values["policy"] = request.PolicyName;
        values["round"] = request.Round.ToString(inv);
        values["kind"] = request.Kind;
        values["log"] = artifacts.GetFullPath(ArtifactLayout.TrainingLog(request.PolicyName, request.Id));
        values["artifacts"] = artifacts.Root;
        if (!double.TryParse(values["learning_rate"], NumberStyles.Float, inv, out var lr) || !double.IsFinite(lr) || lr <= 0)
        {
            throw new TrainingBackendException($"Trainer option 'learning_rate' must be a positive number (got '{values["learning_rate"]}').");
        }
        return values;
    }

    private async Task RunCommandAsync(
        ExternalTrainingOptions o, Dictionary<string, string> values, TrainingContext context, TrainingRequest request, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(o.Command!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = o.WorkingDirectory is { Length: > 0 } wd ? CommandTemplate.Expand(wd, values, "Trainer:External:WorkingDirectory") : values["output"],
        };
        for (var i = 0; i < o.Arguments.Count; i++)
        {
            info.ArgumentList.Add(CommandTemplate.Expand(o.Arguments[i], values, $"Trainer:External:Arguments:{i}"));
        }
        foreach (var (key, value) in values)
        {
            info.Environment["SOTOPIA_" + key.ToUpperInvariant()] = value;
        }
        foreach (var (key, value) in o.Environment)
        {
            info.Environment[key] = CommandTemplate.Expand(value, values, $"Trainer:External:Environment:{key}");
        }

        var logPath = values["log"];
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        var gate = new Lock();
        var tail = new Queue<string>();
        var epochs = request.Settings.Epochs;
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (gate)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    return; // a line after the run ended (the command was killed); nothing to record it in
                }
                tail.Enqueue(line);
                if (tail.Count > TailLines)
                {
                    tail.Dequeue();
                }
            }
            context.Progress.Report(DescribeLine(line, epochs));
        }

        log.WriteLine($"{time.GetUtcNow():O} $ {o.Command} {string.Join(' ', info.ArgumentList.Select(Quote))}");
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            if (!process.Start())
            {
                throw new TrainingBackendException($"The training command '{o.Command}' did not start.");
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new TrainingBackendException($"The training command '{o.Command}' could not be started: {ex.Message}", ex);
        }
        LogStarted(logger, request.Id, o.Command!, process.Id);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new TrainingBackendException(
                $"The training command '{o.Command}' ran longer than {o.Timeout} (Trainer:External:Timeout) and was killed; log: {ArtifactLayout.TrainingLog(request.PolicyName, request.Id)}.");
        }
        process.WaitForExit();
        string lastLines;
        lock (gate)
        {
            log.WriteLine($"{time.GetUtcNow():O} exit code {process.ExitCode}");
            lastLines = string.Join(" | ", tail);
        }
        if (process.ExitCode != 0)
        {
            throw new TrainingBackendException(
                $"The training command '{o.Command}' exited with code {process.ExitCode}; last output: {(lastLines.Length == 0 ? "(none)" : lastLines)} (log: {ArtifactLayout.TrainingLog(request.PolicyName, request.Id)}).");
        }
    }

    /// <summary>"external: epoch 2/3: {line}" when the line mentions an epoch (e.g. Hugging Face's
    /// <c>{'loss': 0.5, 'epoch': 1.5}</c> or "epoch 2/3"), otherwise "external: {line}".</summary>
    internal static string DescribeLine(string line, int epochs)
    {
        var text = line.Length > 200 ? line[..200] + "…" : line;
        var match = EpochPattern().Match(line);
        if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            var total = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : epochs;
            if (total > 0)
            {
                var epoch = Math.Clamp((int)Math.Ceiling(value), 1, total);
                return string.Create(CultureInfo.InvariantCulture, $"external: epoch {epoch}/{total}: {text}");
            }
        }
        return "external: " + text;
    }

    private async Task<AdapterManifest?> ReadManifestAsync(string folder, TrainingRequest request, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, ManifestFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var manifest = JsonSerializer.Deserialize<AdapterManifest>(await File.ReadAllTextAsync(path, cancellationToken), SotopiaJson.Options);
            if (manifest is null || manifest.RequestId != request.Id || manifest.DatasetHash != request.DatasetHash)
            {
                return null;
            }
            var hash = await DirectoryHash.ComputeAsync(folder, [ManifestFile], cancellationToken);
            return hash == manifest.ContentHash ? manifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeNameCharacters();

    [GeneratedRegex(@"\bepoch['""]?\s*[:=]?\s*(\d+(?:\.\d+)?)(?:\s*/\s*(\d+))?", RegexOptions.IgnoreCase)]
    private static partial Regex EpochPattern();

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Training request {RequestId}: started {Command} (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, string requestId, string command, int pid);
}
