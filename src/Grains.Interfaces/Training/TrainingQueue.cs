namespace SotopiaPi.Grains.Interfaces;

/// <summary>The training queue's grain key.</summary>
public static class TrainingQueue
{
    public const string Default = "default";
}
