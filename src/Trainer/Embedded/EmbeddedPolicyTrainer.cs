using System.Collections.Immutable;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Trainer.Embedded;

/// <summary>The embedded CPU trainer of the simulator policy: maximum likelihood (cross-entropy) fit of a
/// <see cref="TrainablePolicyModel"/> on SFT chat examples, by mini-batch (or full-batch) gradient descent with
/// L2 regularisation. Each example's prompt is read with the <see cref="IPromptReader"/> (so the model learns
/// from exactly what the agent saw), its answer is parsed as a JSON action and labelled with
/// <see cref="MoveCodec.Classify"/>. BC starts from the base model; SR continues from the previous checkpoint.
/// The starting model is never modified.</summary>
public sealed class EmbeddedPolicyTrainer(IPromptReader reader)
{
    private const int MaxSkipSamples = 20;
    private const int Moves = SocialMoves.Count;

    private readonly IPromptReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));

    /// <summary>Reads a chat JSONL file and trains on it (see <see cref="Train"/>).</summary>
    public async Task<EmbeddedTrainingResult> TrainFileAsync(TrainablePolicyModel start, string path, EmbeddedTrainingOptions options,
        IProgress<EmbeddedTrainingProgress>? progress = null, string? label = null, CancellationToken cancellationToken = default)
    {
        var examples = await ChatJsonlReader.ReadFileAsync(path, cancellationToken);
        return Train(start, examples, options, progress, label, cancellationToken);
    }

    /// <summary>Fits a copy of <paramref name="start"/> to <paramref name="examples"/>. Examples whose prompt
    /// cannot be read or whose answer is not a JSON action are skipped and counted by reason; if none is
    /// usable, throws <see cref="InvalidOperationException"/> saying why.</summary>
    public EmbeddedTrainingResult Train(TrainablePolicyModel start, IEnumerable<ChatExample> examples, EmbeddedTrainingOptions options,
        IProgress<EmbeddedTrainingProgress>? progress = null, string? label = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid embedded training options: " + string.Join("; ", errors) + ".", nameof(options));
        }

        var data = Prepare(examples, cancellationToken, out var metrics);
        if (data.Count == 0)
        {
            var reasons = metrics.SkipReasons.Count == 0
                ? "the dataset is empty"
                : string.Join(", ", metrics.SkipReasons.Select(r => $"{r.Value} × {r.Key}"));
            var sample = metrics.SkipSamples.IsDefaultOrEmpty ? "" : " First problem: " + metrics.SkipSamples[0];
            throw new InvalidOperationException($"No usable training examples ({metrics.ExamplesRead} read; {reasons}).{sample}");
        }

        var model = start.Clone(label);
        var initialLoss = MeanLoss(model, data);
        var n = data.Count;
        var batchSize = options.BatchSize <= 0 || options.BatchSize >= n ? n : options.BatchSize;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var random = new Random(unchecked((int)(options.Seed ^ (options.Seed >> 32))));
        var gradient = new double[TrainablePolicyModel.ParameterCount];
        Span<double> p = stackalloc double[Moves];
        var losses = ImmutableArray.CreateBuilder<double>(options.Epochs);
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            for (var startIndex = 0; startIndex < n; startIndex += batchSize)
            {
                var end = Math.Min(n, startIndex + batchSize);
                var scale = 1.0 / (end - startIndex);
                Array.Clear(gradient);
                for (var k = startIndex; k < end; k++)
                {
                    var example = data[order[k]];
                    model.Probabilities(example.Features, p);
                    foreach (var f in example.Features)
                    {
                        var row = f * Moves;
                        for (var m = 0; m < Moves; m++)
                        {
                            gradient[row + m] += scale * (m == example.Label ? p[m] - 1.0 : p[m]);
                        }
                    }
                }
                model.ApplyGradientStep(gradient, options.LearningRate, options.L2);
            }
            var loss = MeanLoss(model, data);
            losses.Add(loss);
            progress?.Report(new EmbeddedTrainingProgress(epoch, options.Epochs, loss));
        }
        return new EmbeddedTrainingResult(model, metrics with { InitialLoss = initialLoss, LossPerEpoch = losses.MoveToImmutable() });
    }

    /// <summary>Parses an assistant answer as an action: a JSON object with a string <c>action_type</c> (one of
    /// SOTOPIA's wire names) and an optional string <c>argument</c>. A surrounding code fence is tolerated.</summary>
    public static bool TryParseAction(string? output, out AgentAction action, out string error)
    {
        action = AgentAction.None;
        var text = (output ?? "").Trim();
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var firstNewline = text.IndexOf('\n', StringComparison.Ordinal);
            var lastFence = text.LastIndexOf("```", StringComparison.Ordinal);
            text = firstNewline > 0 && lastFence > firstNewline ? text[(firstNewline + 1)..lastFence].Trim() : text.Trim('`');
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the answer is not a JSON object";
                return false;
            }
            if (!root.TryGetProperty("action_type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                error = "the answer has no string field 'action_type'";
                return false;
            }
            if (!ActionTypes.TryParse(type.GetString(), out var actionType))
            {
                error = $"the answer's action_type '{type.GetString()}' is not a SOTOPIA action type";
                return false;
            }
            var argument = "";
            if (root.TryGetProperty("argument", out var arg))
            {
                if (arg.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    error = "the answer's field 'argument' is not a string";
                    return false;
                }
                argument = arg.GetString() ?? "";
            }
            action = new AgentAction(actionType.Value, argument);
            error = "";
            return true;
        }
        catch (JsonException ex)
        {
            error = $"the answer is not valid JSON ({ex.Message})";
            return false;
        }
    }

    private List<Prepared> Prepare(IEnumerable<ChatExample> examples, CancellationToken cancellationToken, out EmbeddedTrainingMetrics metrics)
    {
        var data = new List<Prepared>();
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var samples = ImmutableArray.CreateBuilder<string>();
        var labels = new int[Moves];
        var texts = new Dictionary<(string, string), TaskText>();
        var read = 0;
        Span<int> ids = stackalloc int[PolicyFeatures.MaxActive];
        foreach (var example in examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            read++;
            ParsedPrompt prompt;
            try
            {
                prompt = _reader.Read(example.Prompt);
            }
            catch (FormatException ex)
            {
                Skip("unreadable prompt", $"{example.Source}:{example.Line}: the prompt could not be read: {ex.Message}");
                continue;
            }
            if (!TryParseAction(example.Output, out var action, out var error))
            {
                Skip("unparseable answer", $"{example.Source}:{example.Line}: {error}");
                continue;
            }
            var key = (prompt.Scenario ?? "", prompt.Goal ?? "");
            if (!texts.TryGetValue(key, out var task))
            {
                task = TaskText.Create(key.Item1, key.Item2);
                texts[key] = task;
            }
            var state = ConversationState.Read(prompt, task.Kind);
            var count = PolicyFeatures.Extract(state, ids);
            var label = (int)MoveCodec.Classify(action);
            labels[label]++;
            data.Add(new Prepared(ids[..count].ToArray(), label));
        }

        var labelCounts = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        for (var m = 0; m < Moves; m++)
        {
            if (labels[m] > 0)
            {
                labelCounts[((SocialMove)m).Name()] = labels[m];
            }
        }
        metrics = new EmbeddedTrainingMetrics
        {
            ExamplesRead = read,
            ExamplesUsed = data.Count,
            SkipReasons = reasons.ToImmutableDictionary(StringComparer.Ordinal),
            SkipSamples = samples.ToImmutable(),
            LabelCounts = labelCounts.ToImmutable(),
        };
        return data;

        void Skip(string reason, string detail)
        {
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            if (samples.Count < MaxSkipSamples)
            {
                samples.Add(detail);
            }
        }
    }

    private static double MeanLoss(TrainablePolicyModel model, List<Prepared> data)
    {
        Span<double> p = stackalloc double[Moves];
        var total = 0.0;
        foreach (var example in data)
        {
            model.Probabilities(example.Features, p);
            total -= Math.Log(Math.Max(p[example.Label], 1e-300));
        }
        return total / data.Count;
    }

    private sealed record Prepared(int[] Features, int Label);
}
