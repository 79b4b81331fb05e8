namespace SotopiaPi.Sotopia.Llm;

/// <summary>Whether a role asks its endpoint for structured output (<c>response_format</c> with a JSON schema).</summary>
public enum StructuredOutputMode
{
    /// <summary>Ask for it; if the endpoint rejects <c>response_format</c>, ask for plain JSON from then on (remembered
    /// per endpoint, model and schema).</summary>
    Auto = 0,
    /// <summary>Always ask; a rejection is an error.</summary>
    On = 1,
    /// <summary>Never ask; the prompt alone asks for JSON.</summary>
    Off = 2,
}
