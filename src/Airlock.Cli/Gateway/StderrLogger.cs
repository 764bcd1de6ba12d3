using Microsoft.Extensions.Logging;

namespace Airlock.Cli.Gateway;

/// <summary>
/// What the gateway's background parts report (a webhook that could not be delivered), as one line on
/// standard error for whoever runs <c>airlock serve</c>: warnings and worse only. The messages are the
/// parts' own, which name no secret.
/// </summary>
internal sealed class StderrLogger(TextWriter error) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (error)
        {
            error.WriteLine($"airlock: {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
            error.Flush();
        }
    }
}
