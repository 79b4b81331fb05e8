namespace SotopiaPi.Grains.Interfaces;

/// <summary>What a campaign does (SOTOPIA-π's training regimes plus evaluation alone).</summary>
public enum CampaignMode
{
    /// <summary>Behaviour cloning: expert vs expert on the training tasks, filter, train from the base policy.</summary>
    Bc = 0,
    /// <summary>Self-reinforcement: policy vs itself, filter, train; N rounds on fresh tasks each.</summary>
    Sr = 1,
    /// <summary>BC, then SR rounds starting from the BC checkpoint.</summary>
    BcSr = 2,
    /// <summary>Evaluate policy versions vs the partner on an evaluation set (the policy plays both seats in
    /// turn, only its seat is scored).</summary>
    Eval = 3,
}
