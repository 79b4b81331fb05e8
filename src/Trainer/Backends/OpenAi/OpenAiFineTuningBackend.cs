// The fine-tuning client and its models are marked [Experimental("OPENAI001")] in OpenAI 2.15.0 although the
// REST API they call is stable; this file is the only user.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Files;
using OpenAI.FineTuning;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer.Backends.OpenAi;

/// <summary>The <c>openai</c> backend: uploads the request's chat JSONL (purpose fine-tune), creates a
/// supervised fine-tuning job on the base model (or, for a later round, on the previous round's fine-tuned
/// model), follows its status and events with backoff, and returns <c>fine_tuned_model</c> as the new model.
/// The job id is kept in the artifact store and in the job's metadata, so a trainer that takes a crashed
/// trainer's request over follows the same job. A failed or cancelled job fails the request with the job's
/// error.</summary>
internal sealed partial class OpenAiFineTuningBackend(
    IArtifactStore artifacts,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<OpenAiFineTuningBackend> logger) : ITrainingBackend
{
    private const string RequestMetadataKey = "sotopia_request";
    private const string DatasetMetadataKey = "sotopia_dataset";
    private const int MaxEventsPerPoll = 200;
    private const string DefaultEndpoint = "https://api.openai.com/v1";

    public string Name => "openai";

    public async Task<TrainedCheckpoint> TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var o = options.Value.OpenAI;
        var request = context.Request;
        // Checked before anything is sent: out-of-range values are refused here, naming the field.
        var parameters = OpenAiFineTuningParameters.Read(request.Settings, o);
        var client = CreateClient(o, out var api);
        var fineTuning = client.GetFineTuningClient();
        var statePath = ArtifactLayout.Checkpoint(request.PolicyName, request.Id, "openai-job.json");
        var logPath = ArtifactLayout.TrainingLog(request.PolicyName, request.Id);
        var baseModel = ChooseBaseModel(context, o);
        var epochs = parameters.Epochs;

        var state = await ReadStateAsync(statePath, request, cancellationToken)
            ?? new OpenAiJobRecord { RequestId = request.Id, DatasetHash = request.DatasetHash, BaseModel = baseModel };
        FineTuningJob? job = null;
        if (state.JobId is { } knownJob)
        {
            job = await api.RunAsync($"retrieval of fine-tuning job {knownJob}", "GET", $"fine_tuning/jobs/{knownJob}",
                () => fineTuning.GetJobAsync(knownJob, cancellationToken));
            await AppendLogAsync(logPath, $"resuming fine-tuning job {knownJob} ({job.Status})", cancellationToken);
        }
        else if (state.JobRequested && await FindJobAsync(fineTuning, api, request, logPath, cancellationToken) is { } found)
        {
            // Only a trainer that stopped between creating the job and recording its id gets here: fresh requests
            // never list jobs (an endpoint without GET fine_tuning/jobs must not stop them before the upload).
            job = found;
            state = state with { JobId = found.JobId, FileId = found.TrainingFileId };
            await WriteStateAsync(statePath, state, cancellationToken);
            await AppendLogAsync(logPath, $"found fine-tuning job {found.JobId} created for this request earlier ({found.Status})", cancellationToken);
        }

        if (job is null)
        {
            if (state.FileId is null)
            {
                await context.ConfirmOwnershipAsync($"openai: uploading {request.DatasetPath}", cancellationToken);
                var files = client.GetOpenAIFileClient();
                OpenAIFile file;
                await using (var stream = artifacts.OpenRead(request.DatasetPath))
                {
                    file = (await api.RunAsync($"upload of the training file {request.DatasetPath}", "POST", "files",
                        () => files.UploadFileAsync(stream, $"{request.Id}.chat.jsonl", FileUploadPurpose.FineTune, cancellationToken))).Value;
                }
                state = state with { FileId = file.Id };
                await WriteStateAsync(statePath, state, cancellationToken);
                await AppendLogAsync(logPath, $"uploaded {request.DatasetPath} as {file.Id}", cancellationToken);
            }

            await context.ConfirmOwnershipAsync($"openai: creating a fine-tuning job on {state.BaseModel}", cancellationToken);
            var jobOptions = new FineTuningOptions
            {
                Suffix = parameters.Suffix,
                Seed = unchecked((int)(request.Seed & int.MaxValue)),
                TrainingMethod = FineTuningTrainingMethod.CreateSupervised(
                    parameters.BatchSize is { } batch ? new HyperparameterBatchSize(batch) : null,
                    new HyperparameterEpochCount(epochs),
                    parameters.LearningRateMultiplier is { } rate ? new HyperparameterLearningRate(rate) : null),
            };
            jobOptions.Metadata[RequestMetadataKey] = request.Id;
            jobOptions.Metadata[DatasetMetadataKey] = request.DatasetHash;
            state = state with { JobRequested = true };
            await WriteStateAsync(statePath, state, cancellationToken);
            job = await api.RunAsync($"creation of a fine-tuning job on {state.BaseModel}", "POST", "fine_tuning/jobs",
                () => fineTuning.FineTuneAsync(state.BaseModel, state.FileId!, waitUntilCompleted: false, jobOptions, cancellationToken));
            state = state with { JobId = job.JobId, Status = job.Status.ToString() };
            await WriteStateAsync(statePath, state, cancellationToken);
            await AppendLogAsync(logPath, $"created fine-tuning job {job.JobId} on {state.BaseModel} with file {state.FileId}", cancellationToken);
            LogJobCreated(logger, request.Id, job.JobId, state.BaseModel);
        }

        var follow = await FollowAsync(job, api, context, epochs, logPath, o, cancellationToken);
        var outcome = JobOutcome.Read(job);
        state = state with { Status = job.Status.ToString(), FineTunedModel = outcome.FineTunedModel, TrainedTokens = outcome.TrainedTokens };
        await WriteStateAsync(statePath, state, cancellationToken);
        if (job.Status != FineTuningStatus.Succeeded)
        {
            throw new TrainingBackendException(outcome.DescribeFailure(job));
        }
        if (string.IsNullOrWhiteSpace(outcome.FineTunedModel))
        {
            throw new TrainingBackendException($"OpenAI fine-tuning job {job.JobId} succeeded but reported no fine_tuned_model.");
        }
        var model = outcome.FineTunedModel;
        await AppendLogAsync(logPath, $"job {job.JobId} produced {model} ({outcome.TrainedTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} trained tokens)", cancellationToken);
        if (o.ProbeAfterPublish)
        {
            context.Progress.Report($"openai {job.JobId} succeeded: checking that {model} answers");
            await ProbeAsync(client, api, model, cancellationToken);
        }

        var hash = await artifacts.HashAsync(statePath, cancellationToken);
        var metrics = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        metrics["epochs"] = epochs;
        if (outcome.TrainedTokens is { } tokens)
        {
            metrics["trained_tokens"] = tokens;
        }
        metrics["events"] = follow.Events;
        if (follow.Step is { } step)
        {
            metrics["steps"] = step;
        }
        if (follow.TrainLoss is { } loss)
        {
            metrics["final_loss"] = loss;
        }
        return new TrainedCheckpoint(model, statePath, hash, metrics.ToImmutable());
    }

    public async Task VerifyPublishedAsync(PolicyVersion version, CancellationToken cancellationToken)
    {
        var o = options.Value.OpenAI;
        if (o.ProbeAfterPublish)
        {
            var client = CreateClient(o, out var api);
            await ProbeAsync(client, api, version.Model, cancellationToken);
        }
    }

    public Task OnPublishedAsync(PolicyVersion version, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The first round fine-tunes the configured base model; a later round continues from the model
    /// it starts from when that is an OpenAI fine-tuned model (<c>ft:…</c>).</summary>
    internal static string ChooseBaseModel(TrainingContext context, OpenAiFineTuningOptions o)
    {
        if (context.BaseVersion.Version > 0 && context.BaseVersion.Model.StartsWith("ft:", StringComparison.Ordinal))
        {
            return context.BaseVersion.Model;
        }
        return OpenAiFineTuningParameters.Read(context.Request.Settings, o).BaseModel ?? o.BaseModel;
    }

    private sealed record FollowResult(int Events, int? Step, double? TrainLoss);

    private async Task<FollowResult> FollowAsync(
        FineTuningJob job, OpenAiOperation api, TrainingContext context, int epochs, string logPath, OpenAiFineTuningOptions o, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + o.JobTimeout;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var delay = o.PollInterval;
        string? lastStatus = null;
        string? lastMessage = null;
        int? step = null;
        int? totalSteps = null;
        double? trainLoss = null;
        while (true)
        {
            var changed = false;
            var status = job.Status.ToString();
            if (status != lastStatus)
            {
                await AppendLogAsync(logPath, $"job {job.JobId}: {status}", cancellationToken);
                lastStatus = status;
                changed = true;
            }
            var events = await api.RunAsync($"listing of fine-tuning job {job.JobId}'s events", "GET", $"fine_tuning/jobs/{job.JobId}/events",
                () => ReadNewEventsAsync(job, seen, cancellationToken));
            foreach (var e in events)
            {
                changed = true;
                lastMessage = e.Message;
                await AppendLogAsync(logPath, $"event {e.Id} [{e.Level}] {e.Message}", cancellationToken);
                if (e.Data is not null && ReadMetrics(e.Data) is { } m)
                {
                    step = m.Step ?? step;
                    totalSteps = m.TotalSteps ?? totalSteps;
                    trainLoss = m.TrainLoss ?? trainLoss;
                }
            }
            context.Progress.Report(DescribeProgress(job, lastMessage, step, totalSteps, epochs));
            if (job.HasCompleted)
            {
                return new FollowResult(seen.Count, step, trainLoss);
            }
            if (time.GetUtcNow() > deadline)
            {
                await api.RunAsync($"cancellation of fine-tuning job {job.JobId}", "POST", $"fine_tuning/jobs/{job.JobId}/cancel",
                    async () => await job.CancelAndUpdateAsync(cancellationToken));
                throw new TrainingBackendException(
                    $"OpenAI fine-tuning job {job.JobId} was still {status} after {o.JobTimeout} (Trainer:OpenAI:JobTimeout); it was cancelled.");
            }
            delay = changed ? o.PollInterval : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, o.MaxPollInterval.Ticks));
            await Task.Delay(delay, time, cancellationToken);
            await api.RunAsync($"retrieval of fine-tuning job {job.JobId}", "GET", $"fine_tuning/jobs/{job.JobId}",
                async () => await job.UpdateStatusAsync(cancellationToken));
        }
    }

    /// <summary>Events arrive newest first; reads until one already seen and returns the new ones oldest first.</summary>
    private static async Task<List<FineTuningEvent>> ReadNewEventsAsync(FineTuningJob job, HashSet<string> seen, CancellationToken cancellationToken)
    {
        var fresh = new List<FineTuningEvent>();
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 50 }, cancellationToken))
        {
            if (!seen.Add(e.Id) || fresh.Count >= MaxEventsPerPoll)
            {
                break;
            }
            fresh.Add(e);
        }
        fresh.Reverse();
        return fresh;
    }

    private sealed record EventMetrics(int? Step, int? TotalSteps, double? TrainLoss);

    private static EventMetrics? ReadMetrics(BinaryData data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return new EventMetrics(Int(root, "step"), Int(root, "total_steps"), Number(root, "train_loss"));
        }
        catch (JsonException)
        {
            return null;
        }

        static int? Int(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

        static double? Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    }

    /// <summary>"openai ftjob-… running, epoch 2/3 (step 40/60): Step 40/60: training loss=0.51".</summary>
    private static string DescribeProgress(FineTuningJob job, string? lastMessage, int? step, int? totalSteps, int epochs)
    {
        var text = $"openai {job.JobId} {job.Status}";
        if (step is { } s && totalSteps is > 0 and { } total && epochs > 0)
        {
            var epoch = Math.Clamp((int)Math.Ceiling(s * (double)epochs / total), 1, epochs);
            text += string.Create(CultureInfo.InvariantCulture, $", epoch {epoch}/{epochs} (step {s}/{total})");
        }
        if (lastMessage is not null)
        {
            text += ": " + (lastMessage.Length > 200 ? lastMessage[..200] + "…" : lastMessage);
        }
        return text;
    }

    /// <summary>What the job's last response says beyond the SDK's properties (2.15.0 exposes neither
    /// <c>trained_tokens</c> nor <c>error</c>): the fine-tuned model, trained tokens and the error.</summary>
    private sealed record JobOutcome(string? FineTunedModel, int? TrainedTokens, string? ErrorMessage, string? ErrorCode, string? ErrorParam)
    {
        public static JobOutcome Read(FineTuningJob job)
        {
            try
            {
                using var document = JsonDocument.Parse(job.GetRawResponse().Content);
                var root = document.RootElement;
                string? message = null, code = null, param = null;
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    message = Text(error, "message");
                    code = Text(error, "code");
                    param = Text(error, "param");
                }
                int? tokens = root.TryGetProperty("trained_tokens", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) ? n : null;
                return new JobOutcome(Text(root, "fine_tuned_model") ?? job.Value, tokens, message, code, param);
            }
            catch (JsonException)
            {
                return new JobOutcome(job.Value, null, null, null, null);
            }
        }

        /// <summary>"OpenAI fine-tuning job ftjob-… failed: &lt;message&gt; (code …, param …)".</summary>
        public string DescribeFailure(FineTuningJob job)
        {
            var text = $"OpenAI fine-tuning job {job.JobId} {job.Status}";
            if (ErrorMessage is not null)
            {
                text += $": {ErrorMessage}";
            }
            else if (job.Status == FineTuningStatus.Cancelled)
            {
                text += " (cancelled outside SotopiaPi)";
            }
            if (ErrorCode is not null || ErrorParam is not null)
            {
                text += $" (code {ErrorCode ?? "none"}{(ErrorParam is null ? "" : $", param {ErrorParam}")})";
            }
            return text;
        }

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>The job an earlier attempt created for this request (by its metadata), among the newest 100. A
    /// server that does not list jobs (404, 405, 501) is logged and treated as "none found".</summary>
    private async Task<FineTuningJob?> FindJobAsync(
        FineTuningClient client, OpenAiOperation api, TrainingRequest request, string logPath, CancellationToken cancellationToken)
    {
        try
        {
            var checkedJobs = 0;
            await foreach (var job in client.GetJobsAsync(new FineTuningJobCollectionOptions { PageSize = 100 }, cancellationToken))
            {
                if (job.Metadata is { } metadata
                    && metadata.TryGetValue(RequestMetadataKey, out var id) && id == request.Id
                    && metadata.TryGetValue(DatasetMetadataKey, out var hash) && hash == request.DatasetHash
                    && job.Status != FineTuningStatus.Cancelled)
                {
                    return job;
                }
                if (++checkedJobs >= 100)
                {
                    break;
                }
            }
            return null;
        }
        catch (ClientResultException ex) when (ex.Status is 404 or 405 or 501)
        {
            var failure = api.Failure("listing of fine-tuning jobs", "GET", "fine_tuning/jobs", ex);
            await AppendLogAsync(logPath, $"{failure.Message}; the server does not list jobs, so a new job is created", cancellationToken);
            return null;
        }
        catch (ClientResultException ex)
        {
            throw api.Failure("listing of fine-tuning jobs", "GET", "fine_tuning/jobs", ex);
        }
    }

    /// <summary>Calls the model once with a one-token completion; it must answer under its own name.</summary>
    private static async Task ProbeAsync(OpenAIClient client, OpenAiOperation api, string model, CancellationToken cancellationToken)
    {
        ClientResult<ChatCompletion> result;
        try
        {
            result = await client.GetChatClient(model).CompleteChatAsync(
                [new UserChatMessage("Reply with one word.")], new ChatCompletionOptions { MaxOutputTokenCount = 1 }, cancellationToken);
        }
        catch (ClientResultException ex)
        {
            throw api.Failure($"one-token call to the fine-tuned model {model}", "POST", "chat/completions", ex);
        }
        if (!result.Value.Model.StartsWith(model, StringComparison.Ordinal))
        {
            throw new TrainingBackendException($"A call to the fine-tuned model {model} was answered by '{result.Value.Model}'.");
        }
    }

    private static OpenAIClient CreateClient(OpenAiFineTuningOptions o, out OpenAiOperation api)
    {
        var key = Environment.GetEnvironmentVariable(o.ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new TrainingBackendException(
                $"No OpenAI API key: the environment variable {o.ApiKeyVariable} is not set (Trainer:OpenAI:ApiKeyVariable names it).");
        }
        var clientOptions = new OpenAIClientOptions { OrganizationId = o.OrganizationId, ProjectId = o.ProjectId };
        var endpoint = o.Endpoint ?? Environment.GetEnvironmentVariable("OPENAI_BASE_URL");
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            clientOptions.Endpoint = new Uri(endpoint);
        }
        api = new OpenAiOperation(clientOptions.Endpoint ?? new Uri(DefaultEndpoint));
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions);
    }

    private async Task<OpenAiJobRecord?> ReadStateAsync(string path, TrainingRequest request, CancellationToken cancellationToken)
    {
        if (!artifacts.Exists(path))
        {
            return null;
        }
        await using var stream = artifacts.OpenRead(path);
        OpenAiJobRecord? state;
        try
        {
            state = await JsonSerializer.DeserializeAsync<OpenAiJobRecord>(stream, SotopiaJson.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new TrainingBackendException($"The OpenAI job record '{path}' is not readable: {ex.Message}", ex);
        }
        // A record for another dataset (the request was re-created with new data) is ignored.
        return state is not null && state.RequestId == request.Id && state.DatasetHash == request.DatasetHash ? state : null;
    }

    private Task WriteStateAsync(string path, OpenAiJobRecord state, CancellationToken cancellationToken) =>
        artifacts.WriteAsync(path, stream => JsonSerializer.SerializeAsync(stream, state, SotopiaJson.Indented, cancellationToken), cancellationToken);

    private async Task AppendLogAsync(string path, string line, CancellationToken cancellationToken)
    {
        var full = artifacts.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.AppendAllTextAsync(full, $"{time.GetUtcNow():O} {line}{Environment.NewLine}", cancellationToken);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Training request {RequestId}: created OpenAI fine-tuning job {JobId} on {BaseModel}")]
    private static partial void LogJobCreated(ILogger logger, string requestId, string jobId, string baseModel);
}
