using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Episodes;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>A seat that answers from a script (by turn number) and records which turns it was asked for.</summary>
internal sealed class ScriptedSeat(int seat, Func<int, AgentAction> script) : IEpisodeSeat
{
    private readonly List<int> _asked = [];

    public int Seat => seat;

    public SeatBinding Binding { get; } = new(AgentRoles.Expert, AgentRoles.Expert, 0, "scripted");

    /// <summary>Throws instead of answering at this turn number.</summary>
    public int? FailAt { get; init; }

    /// <summary>Cannot be reached (the runtime could not deliver the question) at this turn number.</summary>
    public int? UnreachableAt { get; init; }

    public IReadOnlyList<int> Asked => _asked;

    public ValueTask<AgentDecision> DecideAsync(ImmutableArray<Turn> history, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var number = history.Length;
        _asked.Add(number);
        if (number == FailAt)
        {
            throw new InvalidOperationException($"the model endpoint refused turn {number}");
        }
        if (number == UnreachableAt)
        {
            throw new SeatUnavailableException($"seat {seat} is on a silo that shuts down", new TimeoutException("no answer"));
        }
        return ValueTask.FromResult(new AgentDecision(script(number)));
    }
}
