using System.Text.Encodings.Web;
using System.Text.Json;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The trainable simulator policy (the Mistral-7B + LoRA analogue): a log-linear (softmax) model
/// over <see cref="SocialMove"/>s with one weight per (feature, move) for the sparse binary
/// <see cref="PolicyFeatures"/>. It samples at temperature 1.0. Checkpoints are JSON with feature and move
/// names, so they load across code changes (unknown names are ignored and counted in
/// <see cref="IgnoredOnLoad"/>). Instances are read-only once published; trainers mutate only their own
/// <see cref="Clone"/>.</summary>
public sealed class TrainablePolicyModel
{
    /// <summary>The checkpoint format name written by <see cref="Save"/>.</summary>
    public const string FormatName = "sotopia-pi/simulator-policy";

    /// <summary>The checkpoint format version written by <see cref="Save"/>.</summary>
    public const int FormatVersion = 1;

    /// <summary>Number of weights: one per feature and move.</summary>
    public const int ParameterCount = PolicyFeatures.Count * SocialMoves.Count;

    private const int Moves = SocialMoves.Count;

    private readonly double[] _weights;

    private TrainablePolicyModel(double[] weights, string label, int ignoredOnLoad)
    {
        _weights = weights;
        Label = label;
        IgnoredOnLoad = ignoredOnLoad;
    }

    /// <summary>A free-text label ("base", "bc", "sr-2" …), saved with the checkpoint.</summary>
    public string Label { get; }

    /// <summary>How many weights of the loaded checkpoint named a feature or move this code does not know.</summary>
    public int IgnoredOnLoad { get; }

    /// <summary>All weights, feature-major (feature × <see cref="SocialMoves.Count"/> + move).</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>The untrained base policy, built deterministically (no file): close to uniform over the moves,
    /// mildly biased toward weak moves (small talk, gestures, refusals), with only the most basic manners
    /// (it tends to greet at the start and not to walk out at once). Poor, but not absurd — like a base LLM.</summary>
    public static TrainablePolicyModel CreateBase()
    {
        var w = new double[ParameterCount];
        void Set(string feature, SocialMove move, double value)
        {
            if (!PolicyFeatures.TryGetId(feature, out var id))
            {
                throw new InvalidOperationException($"Unknown base feature '{feature}'.");
            }
            w[(id * Moves) + (int)move] = value;
        }

        Set("bias", SocialMove.SmallTalk, 0.5);
        Set("bias", SocialMove.Gesture, 0.4);
        Set("bias", SocialMove.Refuse, 0.3);
        Set("bias", SocialMove.PhysicalAct, 0.2);
        Set("bias", SocialMove.Idle, -0.3);
        Set("bias", SocialMove.Leave, -0.5);
        Set("phase=opening", SocialMove.Greet, 1.5);
        Set("phase=opening", SocialMove.Leave, -2.0);
        Set("phase=opening", SocialMove.Idle, -1.0);
        Set("phase=late", SocialMove.Leave, 0.5);
        Set("other_last=ask", SocialMove.Share, 0.8);
        Set("other_last=propose", SocialMove.Accept, 1.0);
        Set("other_last=counter", SocialMove.Accept, 0.6);
        Set("other_last=concede", SocialMove.Accept, 0.8);
        Set("other_last=greet", SocialMove.Greet, 0.5);
        return new TrainablePolicyModel(w, "base", 0);
    }

    /// <summary>A deep copy, optionally relabelled.</summary>
    public TrainablePolicyModel Clone(string? label = null) =>
        new((double[])_weights.Clone(), label ?? Label, 0);

    /// <summary>The weight of (<paramref name="feature"/>, <paramref name="move"/>).</summary>
    public double Weight(int feature, SocialMove move) => _weights[(feature * Moves) + (int)move];

    /// <summary>Move probabilities for the active features (temperature 1).</summary>
    public void Probabilities(ReadOnlySpan<int> features, Span<double> probabilities)
    {
        if (probabilities.Length < Moves)
        {
            throw new ArgumentException($"The buffer must hold {Moves} probabilities.", nameof(probabilities));
        }
        var p = probabilities[..Moves];
        p.Clear();
        foreach (var f in features)
        {
            var row = _weights.AsSpan(f * Moves, Moves);
            for (var m = 0; m < Moves; m++)
            {
                p[m] += row[m];
            }
        }
        var max = double.NegativeInfinity;
        for (var m = 0; m < Moves; m++)
        {
            max = Math.Max(max, p[m]);
        }
        var sum = 0.0;
        for (var m = 0; m < Moves; m++)
        {
            p[m] = Math.Exp(p[m] - max);
            sum += p[m];
        }
        for (var m = 0; m < Moves; m++)
        {
            p[m] /= sum;
        }
    }

    /// <summary>Move probabilities in a conversation state.</summary>
    public void Probabilities(in ConversationState state, Span<double> probabilities)
    {
        Span<int> ids = stackalloc int[PolicyFeatures.MaxActive];
        var n = PolicyFeatures.Extract(state, ids);
        Probabilities(ids[..n], probabilities);
    }

    /// <summary>Samples a move at temperature 1.0.</summary>
    public SocialMove Sample(in ConversationState state, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<double> p = stackalloc double[Moves];
        Probabilities(state, p);
        var u = random.NextDouble();
        var acc = 0.0;
        for (var m = 0; m < Moves; m++)
        {
            acc += p[m];
            if (u < acc)
            {
                return (SocialMove)m;
            }
        }
        return (SocialMove)(Moves - 1);
    }

    /// <summary>One gradient-descent step in place: <c>w -= rate * (gradient + l2 * w)</c>; the bias row is not
    /// regularised. Only call this on a model you own (a <see cref="Clone"/>), never on a published one.</summary>
    public void ApplyGradientStep(ReadOnlySpan<double> gradient, double learningRate, double l2)
    {
        if (gradient.Length != ParameterCount)
        {
            throw new ArgumentException($"The gradient must have {ParameterCount} entries.", nameof(gradient));
        }
        for (var i = 0; i < Moves; i++)
        {
            _weights[i] -= learningRate * gradient[i];
        }
        for (var i = Moves; i < ParameterCount; i++)
        {
            _weights[i] -= learningRate * (gradient[i] + (l2 * _weights[i]));
        }
    }

    /// <summary>Writes the checkpoint as JSON (non-zero weights only, by feature and move name).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("format", FormatName);
        writer.WriteNumber("format_version", FormatVersion);
        writer.WriteString("label", Label);
        writer.WriteStartArray("moves");
        foreach (var move in SocialMoves.All)
        {
            writer.WriteStringValue(move.Name());
        }
        writer.WriteEndArray();
        writer.WriteStartObject("weights");
        for (var f = 0; f < PolicyFeatures.Count; f++)
        {
            var row = _weights.AsSpan(f * Moves, Moves);
            if (!row.ContainsAnyExcept(0.0))
            {
                continue;
            }
            writer.WriteStartObject(PolicyFeatures.Name(f));
            for (var m = 0; m < Moves; m++)
            {
                if (row[m] != 0.0)
                {
                    writer.WriteNumber(((SocialMove)m).Name(), row[m]);
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>. Throws <see cref="FormatException"/> naming
    /// the offending field when the content is not such a checkpoint.</summary>
    public static TrainablePolicyModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Policy checkpoint is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Policy checkpoint: the top level must be a JSON object.");
            }
            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String ||
                format.GetString() != FormatName)
            {
                throw new FormatException($"Policy checkpoint: field 'format' must be \"{FormatName}\".");
            }
            if (!root.TryGetProperty("format_version", out var version) || !version.TryGetInt32(out var v) || v < 1 || v > FormatVersion)
            {
                throw new FormatException($"Policy checkpoint: field 'format_version' must be an integer from 1 to {FormatVersion}.");
            }
            var label = root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() ?? "" : "";
            if (!root.TryGetProperty("weights", out var weights) || weights.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Policy checkpoint: field 'weights' must be an object of feature name → {move name: weight}.");
            }
            var w = new double[ParameterCount];
            var ignored = 0;
            foreach (var feature in weights.EnumerateObject())
            {
                if (feature.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"Policy checkpoint: 'weights.{feature.Name}' must be an object of move name → weight.");
                }
                var known = PolicyFeatures.TryGetId(feature.Name, out var id);
                foreach (var entry in feature.Value.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetDouble(out var value) || !double.IsFinite(value))
                    {
                        throw new FormatException($"Policy checkpoint: 'weights.{feature.Name}.{entry.Name}' must be a finite number.");
                    }
                    if (known && SocialMoves.TryParse(entry.Name, out var move))
                    {
                        w[(id * Moves) + (int)move] = value;
                    }
                    else
                    {
                        ignored++;
                    }
                }
            }
            return new TrainablePolicyModel(w, label, ignored);
        }
    }
}
