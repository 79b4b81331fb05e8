using System.Text;

namespace SotopiaPi.Trainer.Backends.External;

/// <summary>Replaces <c>{name}</c> placeholders in one command argument (or environment value); <c>{{</c> and
/// <c>}}</c> stand for literal braces. The result is passed to the process as one argument, never through a
/// shell, so a value can hold spaces, quotes or semicolons without changing the command.</summary>
public static class CommandTemplate
{
    /// <summary>Expands <paramref name="template"/>; an unknown or unterminated placeholder throws
    /// <see cref="TrainingBackendException"/> naming it, the setting it came from and the known names.</summary>
    public static string Expand(string template, IReadOnlyDictionary<string, string> values, string setting)
    {
        ArgumentNullException.ThrowIfNull(template);
        var result = new StringBuilder(template.Length);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                result.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                result.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    throw new TrainingBackendException($"{setting}: '{template}' has a '{{' without a closing '}}'.");
                }
                var name = template[(i + 1)..end];
                if (!values.TryGetValue(name, out var value))
                {
                    throw new TrainingBackendException(
                        $"{setting}: unknown placeholder {{{name}}} in '{template}' (known: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal).Select(k => "{" + k + "}"))}).");
                }
                result.Append(value);
                i = end;
            }
            else
            {
                result.Append(c);
            }
        }
        return result.ToString();
    }
}
