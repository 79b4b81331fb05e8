namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The model names of the offline simulator's backends.</summary>
public static class SimulatorModels
{
    /// <summary>The expert policy (GPT-4's role in SOTOPIA-π).</summary>
    public const string Expert = "sim-expert";

    /// <summary>The fixed partner policy (GPT-3.5's role).</summary>
    public const string Partner = "sim-partner";

    /// <summary>The trainable policy; a version's model name is this plus "-v{version}" unless the binding names one.</summary>
    public const string Policy = "sim-policy";

    /// <summary>The simulator judge (GPT-4-as-judge's role).</summary>
    public const string Judge = "sim-judge";
}
