using System.Security.Cryptography;
using System.Text;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Deterministic ids for sampled tasks: <c>"t-"</c> + the first 16 hex digits (lower case) of the
/// SHA-256 of scenario id, agent 1 id and agent 2 id (joined by newlines). The same triple always gets the same
/// id, in any process, so sampling twice never creates two tasks for one (scenario, ordered pair).</summary>
public static class SocialTaskIds
{
    public const string Prefix = "t-";

    public static string For(string scenarioId, string agent1Id, string agent2Id)
    {
        ArgumentNullException.ThrowIfNull(scenarioId);
        ArgumentNullException.ThrowIfNull(agent1Id);
        ArgumentNullException.ThrowIfNull(agent2Id);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{scenarioId}\n{agent1Id}\n{agent2Id}"));
        return Prefix + Convert.ToHexStringLower(hash, 0, 8);
    }
}
