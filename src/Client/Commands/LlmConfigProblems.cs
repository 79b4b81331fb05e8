using System.Text.RegularExpressions;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Client.Commands;

/// <summary>Prints an invalid LLM configuration's problems once each. The configuration is checked per role after
/// merging, so one bad value in <c>defaults</c> (or a <c>SOTOPIA_LLM_DEFAULTS_*</c> variable) comes back once for
/// every role that inherits it; such repeats become one line naming the roles (<c>(every role)</c> when all
/// do).</summary>
internal static partial class LlmConfigProblems
{
    public static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var merged = new List<(string Where, string What, List<string> Roles)>();
        foreach (var problem in problems)
        {
            if (RolePattern().Match(problem) is not { Success: true } match)
            {
                merged.Add((problem, "", []));
                continue;
            }
            var (where, role, what) = (match.Groups["where"].Value, match.Groups["role"].Value, match.Groups["what"].Value);
            var index = merged.FindIndex(m => m.Roles.Count > 0 && m.Where == where && m.What == what);
            if (index < 0)
            {
                merged.Add((where, what, [role]));
            }
            else
            {
                merged[index].Roles.Add(role);
            }
        }
        var lines = merged.Select(m => m.Roles.Count == 0 ? m.Where : $"{m.Where} ({Roles(m.Roles)}): {m.What}");
        return "Invalid LLM configuration:" + Environment.NewLine + string.Join(Environment.NewLine, lines.Select(l => "  " + l));
    }

    private static string Roles(List<string> roles) =>
        roles.Count == 1 ? $"role {roles[0]}"
        : LlmSettings.RoleNames.All(roles.Contains) ? "every role"
        : $"roles {string.Join(", ", roles)}";

    [GeneratedRegex(@"^(?<where>.*?) \(role (?<role>[a-z_]+)\): (?<what>.*)$", RegexOptions.Singleline)]
    private static partial Regex RolePattern();
}
