using Airlock.Masking.Detection;

namespace Airlock.Masking.Tests.Engine;

/// <summary>The vectorized search for number starts agrees with the plain definition on any text.</summary>
public sealed class NumberStartTests
{
    private static int Reference(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]) && (i == 0 || (!char.IsAsciiDigit(text[i - 1]) && !char.IsAsciiLetterLower(text[i - 1]))))
            {
                return i;
            }
        }

        return -1;
    }

    [Theory]
    [InlineData("", 0, -1)]
    [InlineData("7", 0, 0)]
    [InlineData("abc123 456", 0, 7)]
    [InlineData("GB29NWBK", 0, 2)]
    [InlineData("id=550e8400-e29b-41d4-a716-446655440000 x 42", 0, 3)]
    [InlineData("deadbeefcafe0123456789abcdef0123456789abcdef01234567 and 99", 0, 57)]
    public void Finds_the_next_number_start(string text, int from, int expected)
    {
        Assert.Equal(expected, TextScanner.NextNumberStart(text, from));
    }

    [Fact]
    public void Agrees_with_the_definition_on_random_text_from_every_offset()
    {
        var random = new Random(7);
        const string alphabet = "0123456789abcdefxyzABCXYZ _-./:=";
        for (var round = 0; round < 300; round++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 90)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            for (var from = 0; from <= text.Length; from++)
            {
                Assert.Equal(Reference(text, from), TextScanner.NextNumberStart(text, from));
            }
        }
    }
}
