using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// AWS secret access keys: 40 base64 characters, which on their own are indistinguishable from any other
/// random string, so they are only taken right after their keyword (aws_secret_access_key,
/// SecretAccessKey, "aws secret") and an assignment. The value must look random (entropy of at least
/// 4 bits per char and at least three character classes). Only the key is masked.
/// </summary>
internal sealed class AwsSecretKeyDetector : Detector
{
    private static readonly SearchValues<char> KeyChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    public override string Name => "aws-secret-key";

    public override string EntityType => EntityTypes.AwsKey;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } =
        ["aws_secret_access_key", "aws_secret_key", "aws-secret-access-key", "secret_access_key", "SecretAccessKey", "aws secret access key", "aws_secret"];

    public override int MaxLength => 96;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;

        // Skip the keyword itself (and any identifier suffix), then the assignment: quotes, spaces, = : =>.
        var i = index;
        while (i < text.Length && i - index < 32 && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' or ' '))
        {
            i++;
        }

        var assigned = false;
        while (i < text.Length && i - index < 48 && text[i] is '"' or '\'' or ' ' or '\t' or '=' or ':' or '>')
        {
            assigned |= text[i] is '=' or ':';
            i++;
        }

        if (!assigned || i + 40 > text.Length || TextRules.IsAlnumAt(text, i - 1))
        {
            return false;
        }

        var key = text.Slice(i, 40);
        if (key.IndexOfAnyExcept(KeyChars) >= 0 || (i + 40 < text.Length && KeyChars.Contains(text[i + 40]))
            || TextRules.Entropy(key) < 4.0 || TextRules.CharClasses(key) < 3)
        {
            return false;
        }

        start = i;
        length = 40;
        return true;
    }
}
