using System.Text;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The prompt of the one repair call a malformed answer gets (SOTOPIA's "reformat" step, reference §b and
/// §c): the bad answer, what is wrong with it, and the schema it must follow.</summary>
public static class RepairPrompts
{
    /// <summary>Asks for <paramref name="badAnswer"/> rewritten as a valid JSON object, keeping its content.</summary>
    /// <param name="badAnswer">The answer that could not be read.</param>
    /// <param name="error">What the parser said is wrong.</param>
    /// <param name="schema">The JSON schema the answer must follow.</param>
    /// <param name="what">What the answer is ("a role-play agent's action", "an evaluation of two participants").</param>
    public static string Render(string badAnswer, string error, string schema, string what)
    {
        ArgumentNullException.ThrowIfNull(badAnswer);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(schema);
        var text = new StringBuilder();
        text.Append("The text between the lines BEGIN and END was meant to be ").Append(what)
            .Append(" written as one JSON object, but it cannot be used: ").Append(error).Append(".\n");
        text.Append("Rewrite it as a single JSON object that is valid against the JSON schema below. Keep its content and wording; ")
            .Append("change only what is needed to make it valid (for example the field names, a value outside the allowed set or range, or broken JSON syntax). ")
            .Append("Answer with the JSON object only, without code fences or comments.\n\n");
        text.Append("JSON schema:\n").Append(schema).Append("\n\n");
        text.Append("BEGIN\n").Append(badAnswer).Append("\nEND");
        return text.ToString();
    }
}
