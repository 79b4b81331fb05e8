namespace SotopiaPi.Trainer.Embedded;

/// <summary>One SFT example read from a chat JSONL file: the user prompt and the assistant's answer (a JSON
/// action), with where it came from.</summary>
/// <param name="Prompt">The user message: the full agent prompt.</param>
/// <param name="Output">The assistant message: <c>{"action_type": …, "argument": …}</c>.</param>
/// <param name="Source">The file (or stream name) it was read from.</param>
/// <param name="Line">Its 1-based line number.</param>
public sealed record ChatExample(string Prompt, string Output, string Source, int Line);
