using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>One policy evaluated against the partner: a version of the trained policy or the expert.</summary>
/// <param name="Label">"base", "bc", "bc+sr2", "v3" (plain evaluation) or "expert"; unique within a report.</param>
/// <param name="Role">The seat role it plays (<see cref="AgentRoles.Policy"/> or <see cref="AgentRoles.Expert"/>).</param>
/// <param name="Version">The policy version, for the trained policy.</param>
public sealed record ReportPolicy(string Label, string Role, int? Version)
{
    /// <summary>"bc (v1)", "expert", "v3".</summary>
    public string Display => Version is { } v && Label != $"v{v}" ? $"{Label} (v{v})" : Label;

    public bool IsTrainedPolicy => Role == AgentRoles.Policy;

    /// <summary>Whether this policy is who plays <paramref name="seat"/>.</summary>
    public bool Plays(SeatBinding seat) =>
        seat.Role == Role && (Role != AgentRoles.Policy || seat.Version == Version);
}
