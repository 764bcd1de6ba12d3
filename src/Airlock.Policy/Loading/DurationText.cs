using System.Globalization;

namespace Airlock.Policy.Loading;

/// <summary>Durations as people write them in config: <c>30s</c>, <c>15m</c>, <c>8h</c>, <c>1h30m</c>, <c>2d</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == span.Length || digits > 9)
            {
                return false;
            }

            var value = long.Parse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            TimeSpan part = span[digits] switch
            {
                'd' => TimeSpan.FromDays(value),
                'h' => TimeSpan.FromHours(value),
                'm' => TimeSpan.FromMinutes(value),
                's' => TimeSpan.FromSeconds(value),
                _ => TimeSpan.MinValue,
            };
            if (part == TimeSpan.MinValue)
            {
                return false;
            }

            duration += part;
            span = span[(digits + 1)..];
        }

        return true;
    }

    /// <summary>The short form, e.g. <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var text = string.Empty;
        if (duration.Days > 0)
        {
            text += $"{duration.Days}d";
        }

        if (duration.Hours > 0)
        {
            text += $"{duration.Hours}h";
        }

        if (duration.Minutes > 0)
        {
            text += $"{duration.Minutes}m";
        }

        if (duration.Seconds > 0)
        {
            text += $"{duration.Seconds}s";
        }

        return text;
    }
}
