namespace SotopiaPi.Sotopia.Llm;

/// <summary>A model call failed for good. The message names the role, endpoint, model and the error, and never
/// contains an API key.</summary>
public sealed class LlmCallException : Exception
{
    public LlmCallException(string message, int? status = null, bool retryable = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Retryable = retryable;
    }

    /// <summary>The last HTTP status, when the endpoint answered.</summary>
    public int? Status { get; }

    /// <summary>Whether the last error was of a retryable kind (the attempts ran out).</summary>
    public bool Retryable { get; }
}
