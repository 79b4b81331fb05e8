namespace SotopiaPi.Grains.Interfaces;

/// <summary>A successful judgement of an episode: one evaluation per seat, plus what the judge was.</summary>
[Immutable]
public sealed record EpisodeEvaluation(SeatEvaluation Agent1, SeatEvaluation Agent2, string JudgeModel)
{
    public SeatEvaluation ForSeat(int seat) => seat switch
    {
        0 => Agent1,
        1 => Agent2,
        _ => throw new ArgumentOutOfRangeException(nameof(seat), seat, "A seat is 0 or 1."),
    };
}
