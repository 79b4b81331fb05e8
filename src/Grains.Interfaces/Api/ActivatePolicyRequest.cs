namespace SotopiaPi.Grains.Interfaces;

/// <summary>Body of <c>POST /api/policies/{name}/activate</c>.</summary>
public sealed record ActivatePolicyRequest
{
    /// <summary>The version to make active (required).</summary>
    public int? Version { get; init; }
}
