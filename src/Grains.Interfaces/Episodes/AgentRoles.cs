namespace SotopiaPi.Grains.Interfaces;

/// <summary>The model roles of SOTOPIA-π.</summary>
public static class AgentRoles
{
    /// <summary>π-agent: the policy being trained (its model comes from the pinned policy version).</summary>
    public const string Policy = "policy";
    /// <summary>π-partner: the fixed partner used in evaluation (GPT-3.5 in the paper).</summary>
    public const string Partner = "partner";
    /// <summary>The expert whose episodes behaviour cloning learns from (GPT-4 in the paper).</summary>
    public const string Expert = "expert";
    public const string Judge = "judge";
    public const string Generator = "generator";
}
