namespace SotopiaPi.Sotopia.Llm;

/// <summary>A JSON schema for structured output.</summary>
/// <param name="Name">The schema's name (letters, digits, '_' and '-').</param>
/// <param name="Json">The schema document.</param>
/// <param name="Strict">Ask for strict schema adherence (the schema must then close every object and require
/// every property).</param>
public sealed record LlmResponseSchema(string Name, string Json, bool Strict = true);
