using SotopiaPi.Sotopia;
using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Grains.Agents;

/// <summary>One seat of one episode (key: episode id + seat). It holds the seat's character, private goal and
/// policy binding, renders its own observation — only what this seat may see — into the prompt, and asks its
/// policy for an action. Its observation history is derived from the episode's stored turns, so it resumes
/// with the episode after a crash. It always lives in the same activation as its episode.</summary>
public sealed class AgentGrain(EpisodeRecord episode, EpisodeSetup setup, int seat, IAgentPolicy policy)
{
    public int Seat { get; } = seat;

    public SeatBinding Binding => episode.Seats[Seat];

    public async ValueTask<AgentDecision> ActAsync(ImmutableArray<Turn> history, CancellationToken cancellationToken)
    {
        var turnNumber = history.Length;
        var prompt = AgentPromptRenderer.Render(setup, Seat, history, turnNumber);
        var request = new AgentTurnRequest(
            episode.Id, setup, Seat, turnNumber, history, prompt, Binding, StableSeed.Derive(episode.Seed, turnNumber, Seat));
        return await policy.DecideAsync(request, cancellationToken);
    }
}
