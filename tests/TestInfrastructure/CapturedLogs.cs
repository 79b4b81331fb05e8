using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A logger provider that keeps what in-process hosts log at or above a level, so a failing test can say
/// what the silos were doing (<see cref="Tail"/>) instead of only that it waited in vain.</summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Warning, int capacity = 2_000) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The last <paramref name="count"/> lines.</summary>
    public string Tail(int count = 60) => string.Join('\n', _lines.TakeLast(count));

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var error = exception is null ? "" : $" — {exception.GetType().Name}: {exception.Message}";
            owner.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }

    private readonly LogLevel _minimum = minimum;
}
