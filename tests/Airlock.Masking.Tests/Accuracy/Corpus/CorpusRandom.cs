using System.Text;

namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// The corpus's one source of randomness: a seeded <see cref="Random"/> (whose seeded sequence .NET keeps
/// stable across versions), so the same seed always gives the same corpus, and a few helpers on top.
/// </summary>
internal sealed class CorpusRandom(int seed)
{
    public const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public const string Lower = "abcdefghijklmnopqrstuvwxyz";
    public const string Digits = "0123456789";
    public const string Alphanumeric = Upper + Lower + Digits;
    public const string Hex = "0123456789abcdef";
    public const string Base64 = Alphanumeric + "+/";

    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public int Next(int min, int maxExclusive) => _random.Next(min, maxExclusive);

    public bool Chance(double p) => _random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public string Chars(string alphabet, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[_random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    public string DigitString(int length) => Chars(Digits, length);

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
