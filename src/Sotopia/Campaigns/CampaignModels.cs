namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>The model names the fixed roles play with, and the base model of a new policy; set by the
/// backend (simulator: "sim-expert", "sim-partner", "sim-policy@v0"; LLM: from the role configuration).</summary>
public sealed record CampaignModels(string Expert, string Partner, string PolicyBase)
{
    public static CampaignModels Simulator { get; } = new("sim-expert", "sim-partner", "sim-policy@v0");
}
