using System.Text;

namespace Airlock.Masking.Strategies;

/// <summary>
/// Writes the masked form of one value. Every strategy here is deterministic for a given key, so the
/// same input always masks the same way.
/// </summary>
internal static class StrategyWriter
{
    private const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Appends the masked value; returns false for <see cref="MaskingStrategy.Null"/>, which writes nothing.</summary>
    public static bool Write(MaskingStrategy strategy, string entityType, ReadOnlySpan<char> value, MaskingKey key, StringBuilder output)
    {
        switch (strategy)
        {
            case MaskingStrategy.Redact:
                output.Append('[').Append(Label(entityType)).Append(']');
                return true;
            case MaskingStrategy.Partial:
                Partial(entityType, value, output);
                return true;
            case MaskingStrategy.Token:
                Token(entityType, value, key, output);
                return true;
            case MaskingStrategy.Format:
                Format(entityType, value, key, output);
                return true;
            case MaskingStrategy.Hash:
                Hash(entityType, value, key, output);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The label redaction writes: the entity type in capitals, e.g. EMAIL, CARD, AWS_KEY.</summary>
    public static string Label(string entityType) => entityType switch
    {
        EntityTypes.Email => "EMAIL",
        EntityTypes.Card => "CARD",
        EntityTypes.Ssn => "SSN",
        EntityTypes.Phone => "PHONE",
        _ => entityType.ToUpperInvariant(),
    };

    /// <summary>
    /// Keeps the part that helps a person tell values apart without exposing them: the domain of an email,
    /// the last four digits of anything numeric (cards, accounts, phones), the last four characters of the
    /// rest. Separators stay where they were, so the shape is still recognisable.
    /// </summary>
    private static void Partial(string entityType, ReadOnlySpan<char> value, StringBuilder output)
    {
        if (entityType == EntityTypes.Email && value.LastIndexOf('@') is var at and > 0)
        {
            output.Append('*', 3).Append(value[at..]);
            return;
        }

        var keep = 4;
        var significant = 0;
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c))
            {
                significant++;
            }
        }

        // Short values would be given away by their last four; secrets are never partially shown.
        if (significant <= 8 || IsSecretType(entityType))
        {
            output.Append('[').Append(Label(entityType)).Append(']');
            return;
        }

        var seen = 0;
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c))
            {
                seen++;
                output.Append(seen > significant - keep ? c : '*');
            }
            else
            {
                output.Append(c);
            }
        }
    }

    private static void Token(string entityType, ReadOnlySpan<char> value, MaskingKey key, StringBuilder output)
    {
        Span<byte> mac = stackalloc byte[32];
        key.Mac(entityType, value, mac);
        output.Append("tok_");
        // 16 base32 characters: 80 bits, plenty to keep distinct values distinct in any one result set.
        for (var i = 0; i < 16; i++)
        {
            output.Append(TokenAlphabet[mac[i] & 31]);
        }
    }

    /// <summary>Same length and character classes: digits stay digits, letters keep their case, the rest stays.</summary>
    private static void Format(string entityType, ReadOnlySpan<char> value, MaskingKey key, StringBuilder output)
    {
        Span<byte> mac = stackalloc byte[32];
        key.Mac(entityType, value, mac);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            // Mix the position in so repeated characters do not map to repeated output.
            var r = mac[i % 32] ^ (i * 31);
            output.Append(c switch
            {
                >= '0' and <= '9' => (char)('0' + (r % 10)),
                >= 'a' and <= 'z' => (char)('a' + (r % 26)),
                >= 'A' and <= 'Z' => (char)('A' + (r % 26)),
                _ => c,
            });
        }
    }

    private static void Hash(string entityType, ReadOnlySpan<char> value, MaskingKey key, StringBuilder output)
    {
        Span<byte> mac = stackalloc byte[32];
        key.Mac(entityType, value, mac);
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(mac, hex, out _);
        output.Append("sha256:").Append(hex);
    }

    private static bool IsSecretType(string entityType) => entityType is EntityTypes.AwsKey or EntityTypes.GithubToken or EntityTypes.SlackToken
        or EntityTypes.StripeKey or EntityTypes.GoogleApiKey or EntityTypes.AzureKey or EntityTypes.Jwt or EntityTypes.PrivateKey
        or EntityTypes.UrlCredentials or EntityTypes.AuthHeader or EntityTypes.Secret;
}
