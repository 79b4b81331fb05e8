namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>One stage of a campaign's plan: a training round (BC or SR) or the final evaluation.</summary>
/// <param name="Index">Position in the plan; also the round number stored on the stage's episodes.</param>
/// <param name="Kind">"bc", "sr" or "eval".</param>
/// <param name="SrRound">1-based SR round number for "sr" stages, 0 otherwise.</param>
public sealed record CampaignStage(int Index, string Kind, int SrRound)
{
    public bool IsTraining => Kind is "bc" or "sr";
}
