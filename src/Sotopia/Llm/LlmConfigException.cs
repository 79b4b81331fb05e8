namespace SotopiaPi.Sotopia.Llm;

/// <summary>The LLM configuration is invalid; lists every problem, each naming the file and line or the environment
/// variable, and the field. Never contains a key value.</summary>
public sealed class LlmConfigException(IReadOnlyList<string> problems)
    : Exception("Invalid LLM configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
