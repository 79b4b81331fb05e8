using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;
using SotopiaPi.Trainer.Embedded;
using static SotopiaPi.Sotopia.Simulator.SocialMove;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class EmbeddedPolicyTrainerTests
{
    private readonly EmbeddedPolicyTrainer _trainer = new(new JsonPromptReader());

    [Fact]
    public void LossDecreasesEveryEpochOnALearnableDatasetAndTheModelLearnsIt()
    {
        var data = LearnableDataset();
        var start = TrainablePolicyModel.CreateBase();
        var before = start.Weights.ToArray();
        var reports = new List<EmbeddedTrainingProgress>();
        var result = _trainer.Train(start, data, new EmbeddedTrainingOptions { Epochs = 15, LearningRate = 0.5, BatchSize = 0 },
            new SyncProgress<EmbeddedTrainingProgress>(reports.Add), label: "bc");

        Assert.True(start.Weights.SequenceEqual(before), "the starting model must not change");
        Assert.Equal("bc", result.Model.Label);
        Assert.Equal(Enumerable.Range(1, 15), reports.Select(r => r.Epoch));
        var losses = result.Metrics.LossPerEpoch;
        Assert.Equal(15, losses.Length);
        Assert.True(losses[0] < result.Metrics.InitialLoss);
        for (var i = 1; i < losses.Length; i++)
        {
            Assert.True(losses[i] <= losses[i - 1] + 1e-12, $"full-batch loss went up at epoch {i + 1}: {losses[i - 1]} -> {losses[i]}");
        }
        Assert.True(result.Metrics.FinalLoss < result.Metrics.InitialLoss / 2, $"{result.Metrics.InitialLoss} -> {result.Metrics.FinalLoss}");

        var miniBatch = _trainer.Train(start, data, new EmbeddedTrainingOptions { Epochs = 20, BatchSize = 16, Seed = 3 });
        Assert.True(miniBatch.Metrics.FinalLoss < 0.2, $"mini-batch final loss {miniBatch.Metrics.FinalLoss}");
        var reader = new JsonPromptReader();
        var correct = data.Count(e =>
        {
            var prompt = reader.Read(e.Prompt);
            var state = ConversationState.Read(prompt, TaskText.Create(prompt.Scenario, prompt.Goal).Kind);
            var p = new double[SocialMoves.Count];
            miniBatch.Model.Probabilities(state, p);
            EmbeddedPolicyTrainer.TryParseAction(e.Output, out var action, out _);
            return Array.IndexOf(p, p.Max()) == (int)MoveCodec.Classify(action);
        });
        Assert.True(correct >= data.Count * 0.95, $"{correct}/{data.Count} predicted");
        Assert.Equal(data.Count, miniBatch.Metrics.ExamplesUsed);
        Assert.Equal(data.Count, miniBatch.Metrics.LabelCounts.Values.Sum());
        Assert.Equal(miniBatch.Metrics.FinalLoss, miniBatch.Metrics.ToDictionary()["final_loss"]);
    }

    [Fact]
    public void TrainingIsDeterministicForTheSeed()
    {
        var data = LearnableDataset();
        var options = new EmbeddedTrainingOptions { Epochs = 3, BatchSize = 8, Seed = 9 };
        var a = _trainer.Train(TrainablePolicyModel.CreateBase(), data, options);
        var b = _trainer.Train(TrainablePolicyModel.CreateBase(), data, options);
        Assert.True(a.Model.Weights.SequenceEqual(b.Model.Weights));
    }

    [Fact]
    public void UnusableExamplesAreSkippedAndCountedByReason()
    {
        var data = LearnableDataset().Take(10).ToList();
        data.Add(new ChatExample("this is not a prompt", Output(AgentAction.Speak("Hi")), "d.jsonl", 101));
        data.Add(new ChatExample(data[0].Prompt, "I would say hello", "d.jsonl", 102));
        data.Add(new ChatExample(data[0].Prompt, "{\"action_type\": \"dance\", \"argument\": \"\"}", "d.jsonl", 103));
        data.Add(new ChatExample(data[0].Prompt, "```json\n{\"action_type\": \"leave\"}\n```", "d.jsonl", 104));
        var result = _trainer.Train(TrainablePolicyModel.CreateBase(), data, new EmbeddedTrainingOptions { Epochs = 1 });
        Assert.Equal(14, result.Metrics.ExamplesRead);
        Assert.Equal(11, result.Metrics.ExamplesUsed);
        Assert.Equal(3, result.Metrics.ExamplesSkipped);
        Assert.Equal(1, result.Metrics.SkipReasons["unreadable prompt"]);
        Assert.Equal(2, result.Metrics.SkipReasons["unparseable answer"]);
        Assert.Contains(result.Metrics.SkipSamples, s => s.StartsWith("d.jsonl:101:", StringComparison.Ordinal));
        Assert.Contains(result.Metrics.SkipSamples, s => s.StartsWith("d.jsonl:103:", StringComparison.Ordinal) && s.Contains("'dance'", StringComparison.Ordinal));
        Assert.Equal(1, result.Metrics.LabelCounts["leave"]);
    }

    [Fact]
    public void NoUsableExampleIsAnErrorThatSaysWhy()
    {
        var data = new[] { new ChatExample("garbage", "{}", "d.jsonl", 1) };
        var ex = Assert.Throws<InvalidOperationException>(() => _trainer.Train(TrainablePolicyModel.CreateBase(), data, new EmbeddedTrainingOptions()));
        Assert.Contains("1 × unreadable prompt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("d.jsonl:1", ex.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<InvalidOperationException>(() => _trainer.Train(TrainablePolicyModel.CreateBase(), [], new EmbeddedTrainingOptions()));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainsFromAJsonlFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sotopia-sim-{Guid.NewGuid():N}.jsonl");
        try
        {
            var lines = SimArena.ExportLines(LearnableDataset().Take(40).Select(e => (e.Prompt, e.Output)));
            await File.WriteAllTextAsync(path, lines);
            var result = await _trainer.TrainFileAsync(TrainablePolicyModel.CreateBase(), path, new EmbeddedTrainingOptions { Epochs = 5 });
            Assert.Equal(40, result.Metrics.ExamplesUsed);
            Assert.True(result.Metrics.FinalLoss < result.Metrics.InitialLoss);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OptionsAreValidatedAndReadFromTrainerSettings()
    {
        Assert.Empty(new EmbeddedTrainingOptions().Validate());
        var errors = new EmbeddedTrainingOptions { Epochs = 0, LearningRate = double.NaN, L2 = -1, BatchSize = -2 }.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Throws<ArgumentException>(() => _trainer.Train(TrainablePolicyModel.CreateBase(), LearnableDataset(), new EmbeddedTrainingOptions { Epochs = 0 }));

        var settings = new TrainerSettings { Epochs = 7, LearningRate = 0.2, Options = new Dictionary<string, string> { ["l2"] = "0.001", ["batch_size"] = "64", ["seed"] = "5" }.ToImmutableDictionary() };
        var options = EmbeddedTrainingOptions.FromSettings(settings);
        Assert.Equal(new EmbeddedTrainingOptions { Epochs = 7, LearningRate = 0.2, L2 = 0.001, BatchSize = 64, Seed = 5 }, options);
        var bad = Assert.Throws<ArgumentException>(() => EmbeddedTrainingOptions.FromSettings(settings with { Options = settings.Options.SetItem("l2", "lots") }));
        Assert.Contains("'l2'", bad.Message, StringComparison.Ordinal);
        var invalid = Assert.Throws<ArgumentException>(() => EmbeddedTrainingOptions.FromSettings(settings with { Epochs = 0 }));
        Assert.Contains("epochs", invalid.Message, StringComparison.Ordinal);
    }

    /// <summary>Examples whose label is a fixed function of what the prompt shows: greet to open, share when
    /// asked, accept an offer, otherwise ask (bargaining) or empathise (conflict).</summary>
    private static List<ChatExample> LearnableDataset()
    {
        var examples = new List<ChatExample>();
        var histories = new SocialMove[][]
        {
            [], [Greet], [Greet, Greet], [Greet, Greet, Ask], [Greet, Greet, Share, Propose], [Greet, Greet, Share, Gesture],
            [Greet, Greet, Share, SmallTalk, Persuade, Propose], [Greet, Greet, Ask, Share, Empathise, Ask],
        };
        foreach (var id in new[] { "bike", "camera", "borrowed", "noise" })
        {
            var scenario = SimScripts.Scenario(id);
            foreach (var history in histories)
            {
                var seat = history.Length % 2;
                var prompt = SimScripts.Prompt(scenario, seat, history);
                var kind = TaskText.Create(prompt.Scenario, prompt.Goal).Kind;
                var label = history.Length < 2 ? Greet
                    : history[^1] == Ask ? Share
                    : history[^1] == Propose ? Accept
                    : kind == ScenarioKind.Bargaining ? Ask : Empathise;
                var action = MoveCodec.Render(label, new MoveRenderContext(prompt.AgentName, prompt.OtherName, TaskText.Create(prompt.Scenario, prompt.Goal)), history.Length);
                for (var copy = 0; copy < 3; copy++)
                {
                    examples.Add(new ChatExample(JsonPromptReader.Render(prompt), Output(action), "learnable.jsonl", examples.Count + 1));
                }
            }
        }
        return examples;
    }

    private static string Output(AgentAction action) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["action_type"] = action.Type.ToWire(), ["argument"] = action.Argument });

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
