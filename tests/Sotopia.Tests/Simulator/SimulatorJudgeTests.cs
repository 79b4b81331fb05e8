using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;
using static SotopiaPi.Sotopia.Simulator.SocialMove;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class SimulatorJudgeTests
{
    private const int Samples = 60;
    private readonly SimulatorJudge _judge = new(worldSeed: 11);

    [Fact]
    public async Task ScoresEveryEpisodeWithinRangeAndExplainsEachDimension()
    {
        var random = new Random(5);
        var scenarios = SyntheticScenarios.All.Concat(SotopiaDataFiles.OriginalScenarios()).ToList();
        for (var i = 0; i < 600; i++)
        {
            var scenario = scenarios[i % scenarios.Count];
            var moves = Enumerable.Range(0, random.Next(0, 22)).Select(_ => (SocialMove)random.Next(SocialMoves.Count)).ToArray();
            var request = SimScripts.Request(scenario, "fuzz-" + i, i, moves);
            if (i % 3 == 0)
            {
                // Free text as a real LLM would write it.
                request = request with { Turns = [.. request.Turns.Select(t => t with { Action = AgentAction.Speak("Well, " + new string('x', random.Next(0, 30)) + "?") })] };
            }
            var outcome = await _judge.JudgeAsync(request);
            Assert.True(outcome.Succeeded, outcome.Failure?.Reason);
            Assert.Equal("sim-judge", outcome.Evaluation.JudgeModel);
            foreach (var seat in new[] { outcome.Evaluation.Agent1, outcome.Evaluation.Agent2 })
            {
                for (var d = 0; d < DimensionInfo.Count; d++)
                {
                    Assert.True(DimensionInfo.All[d].Contains(seat.Scores[d].Score));
                    Assert.False(string.IsNullOrWhiteSpace(seat.Scores[d].Reasoning));
                    Assert.True(seat.Scores[d].Reasoning.Length < 800);
                }
            }
        }
    }

    [Fact]
    public void JudgingIsDeterministicForTheSeed()
    {
        var request = SimScripts.Request(SimScripts.Scenario("bike"), "det", 99, Greet, Greet, Ask, Share, Propose, Counter, Concede, Accept, Leave);
        var first = _judge.Judge(request);
        var second = new SimulatorJudge(worldSeed: 11).Judge(request);
        Assert.Equal(Flatten(first), Flatten(second));
        Assert.Equal(
            first.Evaluation!.Agent1.Scores.Select(s => s.Reasoning),
            second.Evaluation!.Agent1.Scores.Select(s => s.Reasoning));
    }

    [Fact]
    public void ThreatsBreakRulesAndHurtTheRelationshipWhileEmpathyHelps()
    {
        var threats = Mean(0, SotopiaDimension.SocialRules, "credit", Greet, Greet, Pressure, Refuse, Pressure, Refuse);
        var empathy = Mean(0, SotopiaDimension.SocialRules, "credit", Greet, Greet, Empathise, Share, Persuade, Share);
        Assert.True(threats <= -2, $"rules with threats {threats}");
        Assert.Equal(0, empathy);
        var relThreats = Mean(0, SotopiaDimension.Relationship, "credit", Greet, Greet, Pressure, Refuse, Pressure, Refuse);
        var relEmpathy = Mean(0, SotopiaDimension.Relationship, "credit", Greet, Greet, Empathise, Share, Persuade, Share);
        Assert.True(relEmpathy > relThreats + 2, $"relationship {relEmpathy} vs {relThreats}");
    }

    [Fact]
    public void OversharingLeaksSecrets()
    {
        Assert.True(Mean(0, SotopiaDimension.Secret, "lamp", Greet, Greet, Overshare, Share) <= -3);
        Assert.Equal(0, Mean(0, SotopiaDimension.Secret, "lamp", Greet, Greet, Share, Share));
    }

    [Fact]
    public void AskingAndBeingAnsweredGainsKnowledge()
    {
        var answered = Mean(0, SotopiaDimension.Knowledge, "chores", Greet, Greet, Ask, Share, Ask, Share);
        var dodged = Mean(0, SotopiaDimension.Knowledge, "chores", Greet, Greet, Ask, SmallTalk, Ask, SmallTalk);
        var none = Mean(0, SotopiaDimension.Knowledge, "chores", Greet, Greet, SmallTalk, SmallTalk, Gesture, Gesture);
        Assert.True(answered > dodged + 2, $"{answered} vs {dodged}");
        Assert.True(dodged >= none);
    }

    [Fact]
    public void AnAcceptedProposalAchievesMoreThanARefusedOne()
    {
        var accepted = Mean(0, SotopiaDimension.Goal, "bike", Greet, Greet, Ask, Share, Propose, Accept, Leave);
        var refused = Mean(0, SotopiaDimension.Goal, "bike", Greet, Greet, Ask, Share, Propose, Refuse, Leave);
        Assert.True(accepted > refused + 2, $"{accepted} vs {refused}");
        var accepterGain = Mean(1, SotopiaDimension.FinancialAndMaterialBenefits, "bike", Greet, Greet, Propose, Accept, Leave);
        var proposerGain = Mean(0, SotopiaDimension.FinancialAndMaterialBenefits, "bike", Greet, Greet, Propose, Accept, Leave);
        Assert.True(proposerGain > accepterGain, "the deal's terms favour the proposer");
    }

    [Fact]
    public void AskingBeforeProposingBeatsProposingBlind()
    {
        var informed = Mean(0, SotopiaDimension.Goal, "car", Greet, Greet, Ask, Share, Propose, Accept, Leave);
        var blind = Mean(0, SotopiaDimension.Goal, "car", Greet, Greet, SmallTalk, Share, Propose, Accept, Leave);
        Assert.True(informed > blind + 0.5, $"{informed} vs {blind}");
    }

    [Fact]
    public void ConcedingAfterACounterBeatsConcedingAtOnce()
    {
        var timely = Mean(0, SotopiaDimension.Goal, "camera", Greet, Greet, Propose, Counter, Concede, Accept, Leave);
        var early = Mean(0, SotopiaDimension.Goal, "camera", Concede, Greet, Propose, Accept, Leave);
        Assert.True(timely > early, $"{timely} vs {early}");
    }

    [Fact]
    public void AppealsWorkAsFarAsTheListenerIsReceptive()
    {
        // Over many tasks, the appeal the hidden dynamics favour moves the other more.
        var reasonWins = 0;
        var comparisons = 0;
        for (var i = 0; i < 200; i++)
        {
            var taskId = "appeal-" + i;
            var scenario = SimScripts.Scenario("vote");
            var kinds = (TaskText.Create(scenario.Text, scenario.Goal0).Kind, TaskText.Create(scenario.Text, scenario.Goal1).Kind);
            var d = _judge.Dynamics(taskId, kinds.Item1, kinds.Item2);
            var gap = d.Receptiveness(1, AppealFamily.Reason) - d.Receptiveness(1, AppealFamily.Emotion);
            if (Math.Abs(gap) < 0.35)
            {
                continue;
            }
            var reason = GoalOf(scenario, taskId, i, Greet, Greet, Persuade, SmallTalk, Leave);
            var emotion = GoalOf(scenario, taskId, i, Greet, Greet, Empathise, SmallTalk, Leave);
            comparisons++;
            if ((reason > emotion) == (gap > 0) || reason == emotion)
            {
                reasonWins++;
            }
        }
        Assert.True(comparisons >= 20, $"only {comparisons} tasks with a clear preference");
        Assert.True(reasonWins >= comparisons * 0.8, $"{reasonWins}/{comparisons}");
    }

    [Fact]
    public void RepetitionIncoherenceAndWalkingOutLowerBelievability()
    {
        var varied = Mean(0, SotopiaDimension.Believability, "vote", Greet, Greet, Ask, Share, Persuade, Share, Propose, Accept);
        var repeated = Mean(0, SotopiaDimension.Believability, "vote", Persuade, Greet, Persuade, Share, Persuade, Share, Persuade, Share);
        var incoherent = Mean(0, SotopiaDimension.Believability, "vote", Accept, Greet, Counter, Share, Greet, Share, Concede, Share);
        var walkout = Mean(0, SotopiaDimension.Believability, "vote", Leave);
        Assert.True(varied >= 8, $"varied {varied}");
        Assert.True(repeated < varied - 1, $"repeated {repeated}");
        Assert.True(incoherent < varied - 2, $"incoherent {incoherent}");
        Assert.True(walkout <= 6.5, $"walkout {walkout}");
        var walkoutGoal = Mean(0, SotopiaDimension.Goal, "vote", Leave);
        Assert.True(walkoutGoal <= 1, $"walkout goal {walkoutGoal}");
    }

    [Fact]
    public void ReasonsDescribeWhatHappened()
    {
        var outcome = _judge.Judge(SimScripts.Request(SimScripts.Scenario("bike"), "reasons", 3, Greet, Greet, Ask, Share, Pressure, Refuse, Overshare, Counter, Propose, Accept, Leave));
        var amara = outcome.Evaluation!.Agent1;
        Assert.Contains("Amara", amara.Scores[(int)SotopiaDimension.Goal].Reasoning, StringComparison.Ordinal);
        Assert.Contains("target price is $300", amara.Scores[(int)SotopiaDimension.Goal].Reasoning, StringComparison.Ordinal);
        Assert.Contains("Bruno accepted Amara's terms at turn 9", amara.Scores[(int)SotopiaDimension.Goal].Reasoning, StringComparison.Ordinal);
        Assert.Contains("pressured", amara.Scores[(int)SotopiaDimension.SocialRules].Reasoning, StringComparison.Ordinal);
        Assert.Contains("revealed private details once", amara.Scores[(int)SotopiaDimension.Secret].Reasoning, StringComparison.Ordinal);
        Assert.Contains("answered one question", amara.Scores[(int)SotopiaDimension.Knowledge].Reasoning, StringComparison.Ordinal);
        var bruno = outcome.Evaluation.Agent2;
        Assert.Contains("stayed within", bruno.Scores[(int)SotopiaDimension.SocialRules].Reasoning, StringComparison.Ordinal);
        Assert.Contains("kept their private information", bruno.Scores[(int)SotopiaDimension.Secret].Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedRequestsFailWithAReasonInsteadOfThrowing()
    {
        var request = SimScripts.Request(SimScripts.Scenario("bike"), "bad", 1, Greet);
        var oneGoal = request with { Setup = request.Setup with { Scenario = request.Setup.Scenario with { Goals = ["only one"] } } };
        var outcome = await _judge.JudgeAsync(oneGoal);
        Assert.False(outcome.Succeeded);
        Assert.Contains("exactly 2 goals", outcome.Failure.Reason, StringComparison.Ordinal);
        var badSeat = request with { Turns = [new Turn("bad", 0, 5, AgentAction.Speak("hi"))] };
        Assert.Contains("turn 0", _judge.Judge(badSeat).Failure!.Reason, StringComparison.Ordinal);
        var empty = _judge.Judge(request with { Turns = default });
        Assert.True(empty.Succeeded);
        Assert.Equal(0, empty.Evaluation.Agent1.Goal);
    }

    [Fact]
    public void TurnsOutOfOrderAreJudgedInTurnOrder()
    {
        var request = SimScripts.Request(SimScripts.Scenario("bike"), "order", 4, Greet, Greet, Propose, Accept, Leave);
        var shuffled = request with { Turns = [.. request.Turns.Reverse()] };
        Assert.Equal(Flatten(_judge.Judge(request)), Flatten(_judge.Judge(shuffled)));
    }

    private double Mean(int seat, SotopiaDimension dimension, string scenario, params SocialMove[] moves)
    {
        var s = SimScripts.Scenario(scenario);
        var total = 0.0;
        for (var i = 0; i < Samples; i++)
        {
            var outcome = _judge.Judge(SimScripts.Request(s, $"{scenario}-{i}", i, moves));
            total += outcome.Evaluation!.ForSeat(seat)[dimension];
        }
        return total / Samples;
    }

    private int GoalOf(SimScenario scenario, string taskId, long seed, params SocialMove[] moves) =>
        _judge.Judge(SimScripts.Request(scenario, taskId, seed, moves)).Evaluation!.Agent1.Goal;

    private static string Flatten(EvaluationOutcome outcome) =>
        string.Join(",", outcome.Evaluation!.Agent1.Scores.Concat(outcome.Evaluation.Agent2.Scores).Select(s => s.Score));
}
