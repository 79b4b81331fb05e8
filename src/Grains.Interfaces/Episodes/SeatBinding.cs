namespace SotopiaPi.Grains.Interfaces;

/// <summary>Who plays a seat: a role (expert, partner, policy) and, for the trained policy, the exact version
/// the episode pinned when it started.</summary>
/// <param name="Role">The role: see <see cref="AgentRoles"/>.</param>
/// <param name="PolicyName">The policy registry name, for <see cref="AgentRoles.Policy"/>; otherwise the role name.</param>
/// <param name="Version">The pinned policy version (0 = base); ignored for fixed roles.</param>
/// <param name="Model">The model name this seat talks to (for example "sim-expert", or a fine-tuned model id).</param>
[Immutable]
public sealed record SeatBinding(string Role, string PolicyName, int Version, string Model);
