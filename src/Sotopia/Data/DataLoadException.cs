namespace SotopiaPi.Sotopia.Data;

/// <summary>Thrown when data cannot be read at all (a missing path, an unreadable file). Bad content never
/// throws: it is reported as <see cref="DataProblem"/>s.</summary>
public sealed class DataLoadException : Exception
{
    public DataLoadException(string message)
        : base(message)
    {
    }

    public DataLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
