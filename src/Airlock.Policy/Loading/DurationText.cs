using System.Globalization;

namespace Airlock.Policy.Loading;

/// <summary>Durations as people write them in config: <c>30s</c>, <c>15m</c>, <c>8h</c>, <c>1h30m</c>, <c>2d</c>.</summary>
public static class DurationText
{
    /// <summary>A hundred years: longer is a typo, and would overflow date arithmetic downstream.</summary>
    private const double MaxSeconds = 100 * 365.25 * 86_400;

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
            long? seconds = span[digits] switch
            {
                'd' => value * 86_400,
                'h' => value * 3_600,
                'm' => value * 60,
                's' => value,
                _ => null,
            };

            // At most nine digits a part, so the product fits a long; the sum is capped at 100 years.
            if (seconds is null || duration.TotalSeconds + seconds.Value > MaxSeconds)
            {
                return false;
            }

            duration += TimeSpan.FromSeconds(seconds.Value);
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
