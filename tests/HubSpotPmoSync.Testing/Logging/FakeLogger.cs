using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HubSpotPmoSync.Testing.Logging;

/// <summary>One captured log line.</summary>
public sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>Collects the lines of every <see cref="FakeLogger"/> created from it.</summary>
public sealed class FakeLogCollector
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => _records.ToArray();

    /// <summary>Every message and exception text, for "never contains X" assertions.</summary>
    public IEnumerable<string> AllText => Records.SelectMany(r => new[] { r.Message, r.Exception?.ToString() ?? string.Empty });

    public void Add(LogRecord record) => _records.Enqueue(record);
}

/// <summary>A logger that captures formatted lines (Polly's TestUtils FakeLogger, in spirit).</summary>
public class FakeLogger(FakeLogCollector collector, string category) : ILogger
{
    public FakeLogCollector Collector { get; } = collector;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Collector.Add(new LogRecord(category, logLevel, eventId, formatter(state, exception), exception));
}

/// <summary>A typed <see cref="FakeLogger"/>.</summary>
public sealed class FakeLogger<T>(FakeLogCollector? collector = null) : FakeLogger(collector ?? new FakeLogCollector(), typeof(T).FullName ?? typeof(T).Name), ILogger<T>
{
}

/// <summary>Plugs the fake logger into a logging builder: <c>services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(collector)))</c>.</summary>
public sealed class FakeLoggerProvider(FakeLogCollector collector) : ILoggerProvider
{
    public FakeLogCollector Collector { get; } = collector;

    public ILogger CreateLogger(string categoryName) => new FakeLogger(Collector, categoryName);

    public void Dispose()
    {
    }
}
