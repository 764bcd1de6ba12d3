namespace Airlock.Policy.Model;

/// <summary>
/// A weekly time window in an IANA time zone, e.g. mon-fri 09:00-18:00 Europe/Berlin.
/// A window whose end is not after its start runs overnight and belongs to the day it starts on:
/// fri 22:00-06:00 covers Friday 22:00 to Saturday 06:00.
/// </summary>
public sealed record Schedule(byte DaysMask, int StartMinute, int EndMinute, TimeZoneInfo TimeZone, string Text)
{
    public bool Overnight => EndMinute <= StartMinute;

    /// <summary>Whether the instant falls in the window. Allocation-free, so it can run on the decision path.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZone);
        var minute = (local.Hour * 60) + local.Minute;
        var day = local.DayOfWeek;
        if (!Overnight)
        {
            return HasDay(day) && minute >= StartMinute && minute < EndMinute;
        }

        // Overnight: the evening part belongs to today, the morning part to yesterday's window.
        if (minute >= StartMinute)
        {
            return HasDay(day);
        }

        var yesterday = day == DayOfWeek.Sunday ? DayOfWeek.Saturday : day - 1;
        return minute < EndMinute && HasDay(yesterday);
    }

    public bool HasDay(DayOfWeek day) => (DaysMask & (1 << (int)day)) != 0;

    public override string ToString() => Text;
}
