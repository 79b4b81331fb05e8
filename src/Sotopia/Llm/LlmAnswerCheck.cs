namespace SotopiaPi.Sotopia.Llm;

/// <summary>How the pipeline checks an answer and repairs an unreadable one with one more call (SOTOPIA's
/// "reformat" step): <see cref="Validate"/> returns null for a usable answer, else what is wrong with it.</summary>
/// <param name="Validate">Reads the answer: null = usable, else the problem ("unknown action_type \"shout\"").</param>
/// <param name="Schema">The JSON schema the repaired answer must follow (shown in the repair prompt).</param>
/// <param name="What">What the answer is ("a role-play agent's action for this turn").</param>
public sealed record LlmAnswerCheck(Func<string, string?> Validate, string Schema, string What);
