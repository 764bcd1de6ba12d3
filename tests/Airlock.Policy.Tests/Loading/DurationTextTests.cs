using Airlock.Policy.Loading;

namespace Airlock.Policy.Tests.Loading;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 15 * 60)]
    [InlineData("8h", 8 * 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("1d2h3m4s", 86400 + 7200 + 180 + 4)]
    [InlineData(" 10m ", 600)]
    [InlineData("0s", 0)]
    [InlineData("90m", 5400)]
    public void Durations_are_read_as_people_write_them(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("1.5h")]
    [InlineData("1H")]
    [InlineData("1h 30m")]
    [InlineData("-5m")]
    [InlineData("10w")]
    [InlineData("1234567890s")]
    [InlineData("PT1H")]
    public void Anything_else_is_not_a_duration(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(5400, "1h30m")]
    [InlineData(86400 + 61, "1d1m1s")]
    public void Durations_are_written_in_the_short_form_and_read_back(int seconds, string text)
    {
        var duration = TimeSpan.FromSeconds(seconds);

        Assert.Equal(text, DurationText.Format(duration));
        Assert.True(DurationText.TryParse(DurationText.Format(duration), out var back));
        Assert.Equal(duration, back);
    }
}
