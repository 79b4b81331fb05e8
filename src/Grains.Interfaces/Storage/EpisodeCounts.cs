namespace SotopiaPi.Grains.Interfaces;

/// <summary>How many episodes of a campaign (round) are in each status.</summary>
[Immutable]
public sealed record EpisodeCounts(int Pending, int Running, int Completed, int EvaluationFailed, int Failed, int Cancelled)
{
    public int Total => Pending + Running + Completed + EvaluationFailed + Failed + Cancelled;
    public int Finished => Completed + EvaluationFailed + Failed + Cancelled;
}
