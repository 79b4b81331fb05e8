namespace SotopiaPi.Client;

/// <summary>An error whose message is meant for the user as it is (no stack trace is printed).</summary>
internal sealed class UserFacingException(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
