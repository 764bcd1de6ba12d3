using Microsoft.Extensions.Logging;

namespace Airlock.Gateway.Hosting;

/// <summary>What the host logs as it starts: messages that name files and ids, never a secret.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1025, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void StoreWarning(ILogger logger, string message);
}
