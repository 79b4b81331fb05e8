using System.Text;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;
using SotopiaPi.Trainer.Embedded;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>Mean scores of one arm (a policy against the partner, or in self-play), counting the seats it played.</summary>
internal sealed record ArmResult(int Episodes, double Goal, double Overall, double OpponentGoal, double[] DimensionMeans)
{
    public override string ToString() =>
        FormattableString.Invariant($"goal {Goal:F2} overall {Overall:F2} (opponent goal {OpponentGoal:F2}; n={Episodes}; ")
        + string.Join(" ", DimensionInfo.All.Select(d => FormattableString.Invariant($"{d.Abbreviation} {DimensionMeans[(int)d.Dimension]:F2}"))) + ")";
}

/// <summary>The SOTOPIA-π loop at the pure level, for tests: play, judge, filter the best (or worst) episode
/// per scenario and seat, export the chosen seat's turns as chat JSONL, train, evaluate against the partner.</summary>
internal sealed class SimArena
{
    private readonly IReadOnlyList<SimScenario> _scenarios;

    public SimArena(IReadOnlyList<SimScenario> scenarios, long worldSeed = 7)
    {
        _scenarios = scenarios;
        Judge = new SimulatorJudge(worldSeed);
        Expert = new ExpertPolicy(Reader).Decide;
        Partner = new PartnerPolicy(Reader).Decide;
    }

    public JsonPromptReader Reader { get; } = new();

    public SimulatorJudge Judge { get; }

    public SimDecider Expert { get; }

    public SimDecider Partner { get; }

    public SimDecider Trainable(TrainablePolicyModel model) => new TrainablePolicy(Reader, model).Decide;

    /// <summary>The policy plays itself on every scenario with <paramref name="pairs"/> character pairs each.</summary>
    public List<SimEpisode> SelfPlay(SimDecider policy, int pairs, string taskPrefix, long seedBase)
    {
        var episodes = new List<SimEpisode>();
        for (var s = 0; s < _scenarios.Count; s++)
        {
            for (var p = 0; p < pairs; p++)
            {
                var scenario = _scenarios[s];
                var taskId = $"{taskPrefix}:{scenario.Id}:{p}";
                episodes.Add(SimEpisodeLoop.Play(scenario, taskId, SimEpisodeLoop.Pair((s * 5) + p), policy, policy, Judge, seedBase + (s * 1000) + p));
            }
        }
        return episodes;
    }

    /// <summary>The policy against the partner on every scenario, pair and seat; scores only the policy's seat
    /// (and reports the partner's goal in the same episodes).</summary>
    public ArmResult Evaluate(SimDecider policy, int pairs, string taskPrefix, long seedBase, SimDecider? opponent = null)
    {
        opponent ??= Partner;
        var goal = 0.0;
        var overall = 0.0;
        var opponentGoal = 0.0;
        var dims = new double[DimensionInfo.Count];
        var n = 0;
        for (var s = 0; s < _scenarios.Count; s++)
        {
            for (var p = 0; p < pairs; p++)
            {
                for (var seat = 0; seat < 2; seat++)
                {
                    var scenario = _scenarios[s];
                    var taskId = $"{taskPrefix}:{scenario.Id}:{p}";
                    var episode = SimEpisodeLoop.Play(scenario, taskId, SimEpisodeLoop.Pair((s * 3) + p),
                        seat == 0 ? policy : opponent, seat == 0 ? opponent : policy, Judge, seedBase + (s * 1000) + (p * 10) + seat);
                    var mine = episode.Evaluation.ForSeat(seat);
                    goal += mine.Goal;
                    overall += mine.Overall;
                    opponentGoal += episode.Evaluation.ForSeat(1 - seat).Goal;
                    for (var d = 0; d < dims.Length; d++)
                    {
                        dims[d] += mine.Scores[d].Score;
                    }
                    n++;
                }
            }
        }
        return new ArmResult(n, goal / n, overall / n, opponentGoal / n, dims.Select(d => d / n).ToArray());
    }

    /// <summary>SOTOPIA-π's filter: per scenario and seat, the single best episode by (goal, then overall) —
    /// about the top 20% of the scenario's episodes — or the single worst with <paramref name="worst"/>. Returns
    /// the chosen seat's decisions.</summary>
    public static List<SimDecision> Filter(IEnumerable<SimEpisode> episodes, bool worst = false)
    {
        var chosen = new List<SimDecision>();
        foreach (var group in episodes.GroupBy(e => e.Scenario.Id))
        {
            for (var seat = 0; seat < 2; seat++)
            {
                var s = seat;
                var ranked = group.OrderByDescending(e => e.Evaluation.ForSeat(s).Goal).ThenByDescending(e => e.Evaluation.ForSeat(s).Overall);
                var pick = worst ? ranked.Last() : ranked.First();
                chosen.AddRange(pick.Decisions.Where(d => d.Seat == s));
            }
        }
        return chosen;
    }

    /// <summary>Exports decisions as chat JSONL (one line per turn) and reads them back with the trainer's reader.</summary>
    public static List<ChatExample> Export(IEnumerable<SimDecision> decisions)
    {
        var jsonl = ExportLines(decisions.Select(d => (JsonPromptReader.Render(d.Prompt),
            JsonSerializer.Serialize(new Dictionary<string, string> { ["action_type"] = d.Action.Type.ToWire(), ["argument"] = d.Action.Argument }))));
        var examples = new List<ChatExample>();
        var lineNumber = 0;
        foreach (var line in jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            examples.Add(ChatJsonlReader.ParseLine(line, "export.jsonl", ++lineNumber));
        }
        return examples;
    }

    /// <summary>Chat JSONL text: one {"messages":[user, assistant]} object per line.</summary>
    public static string ExportLines(IEnumerable<(string Prompt, string Output)> examples)
    {
        var jsonl = new StringBuilder();
        foreach (var (prompt, output) in examples)
        {
            var line = JsonSerializer.Serialize(new
            {
                messages = new[]
                {
                    new { role = "user", content = prompt },
                    new { role = "assistant", content = output },
                },
            });
            jsonl.Append(line).Append('\n');
        }
        return jsonl.ToString();
    }

    public EmbeddedTrainingResult Train(TrainablePolicyModel start, IEnumerable<SimDecision> decisions, EmbeddedTrainingOptions? options = null) =>
        new EmbeddedPolicyTrainer(Reader).Train(start, Export(decisions), options ?? new EmbeddedTrainingOptions { Seed = 1 });
}
