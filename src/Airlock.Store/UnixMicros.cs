namespace Airlock.Store;

/// <summary>
/// Times are stored as microseconds since the Unix epoch (UTC) in both backends: one integer type, exact
/// round trips, and index-friendly ranges, with no dependence on either database's time zone settings.
/// </summary>
public static class UnixMicros
{
    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset ToTime(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);

    public static long? From(DateTimeOffset? time) => time is { } t ? From(t) : null;

    public static DateTimeOffset? ToTime(long? micros) => micros is { } m ? ToTime(m) : null;
}
