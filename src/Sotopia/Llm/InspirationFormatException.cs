namespace SotopiaPi.Sotopia.Llm;

/// <summary>An inspiration file cannot be read; the message names the file, the line and what is wrong.</summary>
public sealed class InspirationFormatException(string message, Exception? innerException = null) : Exception(message, innerException);
