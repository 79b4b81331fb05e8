namespace SotopiaPi.Grains.Interfaces;

/// <summary>How a round's episodes are filtered into training data (reference §d3). The default is the
/// SOTOPIA-π choice: per scenario and per seat, the single best episode by (goal, then overall) — about the
/// top 20% of ~10 episodes per task — with no absolute threshold.</summary>
[Immutable]
public sealed record FilterOptions
{
    /// <summary>Keep this many episodes per scenario and seat (default 1).</summary>
    public int TopK { get; init; } = 1;
    /// <summary>If set (0..1], keep ceil(fraction × n) per scenario and seat instead of <see cref="TopK"/>.</summary>
    public double? TopFraction { get; init; }
    /// <summary>If set, also drop every candidate whose goal score is below this.</summary>
    public double? MinGoal { get; init; }
    /// <summary>Keep the worst instead of the best (for experiments that check the filter matters).</summary>
    public bool Invert { get; init; }

    public static FilterOptions Default { get; } = new();
}
