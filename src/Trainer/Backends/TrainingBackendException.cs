namespace SotopiaPi.Trainer.Backends;

/// <summary>A training backend could not produce or publish a usable model; the message (which names the job,
/// command, file or server involved) becomes the request's error.</summary>
public sealed class TrainingBackendException : Exception
{
    public TrainingBackendException(string message)
        : base(message)
    {
    }

    public TrainingBackendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
