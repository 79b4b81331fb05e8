using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Simulator;
using static SotopiaPi.Sotopia.Simulator.SocialMove;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class SimulatorPolicyTests
{
    private readonly JsonPromptReader _reader = new();

    [Fact]
    public async Task PoliciesDecideOnlyFromThePromptAndTheSeed()
    {
        var scenario = SimScripts.Scenario("bike");
        var prompt = SimScripts.Prompt(scenario, 0, Greet, Greet);
        var request = Request(prompt, seed: 17, new SeatBinding(AgentRoles.Expert, "expert", 0, "sim-expert"));
        IAgentPolicy[] policies = [new ExpertPolicy(_reader), new PartnerPolicy(_reader), new TrainablePolicy(_reader, TrainablePolicyModel.CreateBase())];
        foreach (var policy in policies)
        {
            var first = await policy.DecideAsync(request);
            var again = await policy.DecideAsync(request);
            Assert.Equal(first.Action, again.Action);
            // A different setup with the same prompt changes nothing: the setup is not looked at.
            var other = request with { Setup = SimScripts.Setup(SimScripts.Scenario("trip"), "other-task"), Seat = 1, History = [] };
            Assert.Equal(first.Action, (await policy.DecideAsync(other)).Action);
            var seeds = new HashSet<AgentAction>();
            for (var seed = 0; seed < 40; seed++)
            {
                seeds.Add((await policy.DecideAsync(request with { Seed = seed })).Action);
            }
            Assert.True(seeds.Count > 1, $"{policy.GetType().Name} ignores the seed");
        }
        Assert.Equal("sim-expert", (await policies[0].DecideAsync(request)).Usage!.Model);
        Assert.Equal("sim-partner", (await policies[1].DecideAsync(request)).Usage!.Model);
    }

    [Fact]
    public void TheExpertFollowsAKindAwarePlan()
    {
        var expert = new ExpertPolicy(_reader);
        var bike = SimScripts.Scenario("bike");
        var borrowed = SimScripts.Scenario("borrowed");
        Assert.Equal(Greet, Mostly(expert, SimScripts.Prompt(bike, 0)));
        Assert.Equal(Ask, Mostly(expert, SimScripts.Prompt(bike, 0, Greet, Greet)));
        Assert.Equal(Empathise, Mostly(expert, SimScripts.Prompt(borrowed, 0, Greet, Greet)));
        Assert.Equal(Share, Mostly(expert, SimScripts.Prompt(bike, 1, Greet, Greet, Ask)));
        Assert.Equal(Counter, Mostly(expert, SimScripts.Prompt(bike, 1, Greet, Greet, Propose)));
        Assert.Equal(Concede, Mostly(expert, SimScripts.Prompt(bike, 0, Greet, Greet, Propose, Counter)));
        Assert.Equal(Empathise, Mostly(expert, SimScripts.Prompt(bike, 0, Greet, Pressure)));
        Assert.Equal(Leave, Mostly(expert, SimScripts.Prompt(bike, 0, Greet, Greet, Propose, Accept, Gesture, Gesture)));
    }

    [Fact]
    public void ThePartnerIsResponsiveButKindBlind()
    {
        var partner = new PartnerPolicy(_reader);
        var bike = SimScripts.Scenario("bike");
        var borrowed = SimScripts.Scenario("borrowed");
        Assert.Equal(Share, Mostly(partner, SimScripts.Prompt(bike, 1, Greet, Greet, Ask)));
        Assert.Equal(Accept, Mostly(partner, SimScripts.Prompt(bike, 1, Greet, Greet, Propose, Counter, Concede)));
        var a = Distribution(partner, SimScripts.Prompt(bike, 0, Greet, Greet, Share, Gesture));
        var b = Distribution(partner, SimScripts.Prompt(borrowed, 0, Greet, Greet, Share, Gesture));
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task TheProviderResolvesRolesAndCachesVersions()
    {
        var loads = 0;
        var trained = TrainablePolicyModel.CreateBase().Clone("v3");
        var provider = new SimulatorPolicyProvider(_reader, (binding, _) =>
        {
            loads++;
            return binding.Version == 3 ? ValueTask.FromResult(trained) : throw new InvalidOperationException("no checkpoint for v" + binding.Version);
        });

        Assert.IsType<ExpertPolicy>(await provider.ResolveAsync(new SeatBinding(AgentRoles.Expert, "expert", 0, "sim-expert")));
        Assert.IsType<PartnerPolicy>(await provider.ResolveAsync(new SeatBinding(AgentRoles.Partner, "partner", 0, "sim-partner")));
        var baseBinding = new SeatBinding(AgentRoles.Policy, "sotopia-pi", 0, "");
        var basePolicy = Assert.IsType<TrainablePolicy>(await provider.ResolveAsync(baseBinding));
        Assert.Equal("base", basePolicy.PolicyModel.Label);
        Assert.Equal("sim-policy-v0", basePolicy.Model);
        Assert.Same(basePolicy, await provider.ResolveAsync(baseBinding));
        Assert.Equal(0, loads);

        var v3 = new SeatBinding(AgentRoles.Policy, "sotopia-pi", 3, "sim-policy-v3");
        var first = Assert.IsType<TrainablePolicy>(await provider.ResolveAsync(v3));
        Assert.Same(trained, first.PolicyModel);
        Assert.Same(first, await provider.ResolveAsync(v3));
        Assert.Equal(1, loads);

        var v4 = new SeatBinding(AgentRoles.Policy, "sotopia-pi", 4, "sim-policy-v4");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await provider.ResolveAsync(v4));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await provider.ResolveAsync(v4));
        Assert.Equal(3, loads);

        var unknown = await Assert.ThrowsAsync<ArgumentException>(async () => await provider.ResolveAsync(new SeatBinding("judge", "x", 0, "m")));
        Assert.Contains("'judge'", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await provider.ResolveAsync(new SeatBinding(AgentRoles.Policy, "p", -1, "m")));
    }

    private static SocialMove Mostly(ExpertPolicy expert, ParsedPrompt prompt) =>
        Enumerable.Range(0, 200).Select(i => expert.ChooseMove(prompt, new Random(i))).GroupBy(m => m).OrderByDescending(g => g.Count()).First().Key;

    private static SocialMove Mostly(PartnerPolicy partner, ParsedPrompt prompt) =>
        Enumerable.Range(0, 200).Select(i => partner.ChooseMove(prompt, new Random(i))).GroupBy(m => m).OrderByDescending(g => g.Count()).First().Key;

    private static List<SocialMove> Distribution(PartnerPolicy partner, ParsedPrompt prompt) =>
        [.. Enumerable.Range(0, 200).Select(i => partner.ChooseMove(prompt, new Random(i)))];

    private static AgentTurnRequest Request(ParsedPrompt prompt, long seed, SeatBinding binding)
    {
        var setup = SimScripts.Setup(SimScripts.Scenario("bike"), "task");
        return new AgentTurnRequest("ep", setup, 0, prompt.TurnNumber, ImmutableArray<Turn>.Empty, JsonPromptReader.Render(prompt), binding, seed);
    }
}
