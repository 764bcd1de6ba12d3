using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Generic secrets assigned to a secret-sounding name: password=…, "api_key": "…", DB_PASSWORD: …,
/// Pwd=…; in a connection string, ALTER USER … PASSWORD '…'. Three rules keep prose and code out:
/// <list type="number">
/// <item>The name must end in a secret word (password, secret, token, api key…), so password_hash,
/// token_count and passwordless are not names of secrets.</item>
/// <item>An assignment (= : := =&gt;) or, for SQL, a quoted literal must follow, so "the password field
/// must be 12 characters" is prose.</item>
/// <item>The value must not be a placeholder, a stopword, a path or a function call; for names other
/// than password the value must also look random (letters and digits, or long and high-entropy).</item>
/// </list>
/// Only the value is masked.
/// </summary>
internal sealed class KeyValueSecretDetector : Detector
{
    // Names whose values are secrets whatever they look like (people choose weak passwords).
    private static readonly string[] PasswordNames = ["password", "passwd", "pwd", "passphrase"];

    // Names whose values are secrets only if they look machine-generated.
    private static readonly string[] TokenNames =
        ["secret", "token", "apikey", "accesskey", "secretkey", "privatekey", "authkey", "credential", "credentials", "clientsecret", "signingkey", "encryptionkey"];

    private static readonly string[] VendorPrefixes =
        ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "xapp-", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "AKIA", "ASIA", "AIza", "eyJ", "-----BEGIN"];

    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    private static readonly SearchValues<char> UnquotedEnd = SearchValues.Create(" \t\r\n,;&\"'`)]}<>(");

    public override string Name => "keyword-secret";

    public override string EntityType => EntityTypes.Secret;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } =
        ["password", "passwd", "pwd", "passphrase", "secret", "token", "api_key", "apikey", "api-key", "access_key", "private_key", "credential"];

    public override int MaxLength => 320;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        var name = TextRules.RunLength(text, index, IdentifierChars, 48);
        while (name > 0 && text[index + name - 1] is '.' or '-')
        {
            name--;
        }

        var identifier = text.Slice(index, name);
        var isPassword = EndsWithAny(identifier, PasswordNames);
        if (!isPassword && !EndsWithAny(identifier, TokenNames))
        {
            return false;
        }

        var i = index + name;
        var quoteAfterName = i < text.Length && text[i] is '"' or '\'';
        if (quoteAfterName)
        {
            i++;
        }

        i = SkipSpaces(text, i);
        var assigned = false;
        if (i < text.Length && text[i] is '=' or ':')
        {
            assigned = true;
            i++;
            if (i < text.Length && text[i] is '=' or '>')
            {
                if (text[i - 1] == '=' && text[i] == '=')
                {
                    return false; // comparison, not assignment
                }

                i++;
            }

            i = SkipSpaces(text, i);
        }

        char quote = '\0';
        if (i < text.Length && text[i] is '"' or '\'' or '`')
        {
            quote = text[i];
            i++;
        }

        // Without an operator, only SQL's PASSWORD '…' (a quoted literal after the bare word) counts.
        if (!assigned && (quote == '\0' || quoteAfterName || i - 1 == index + name))
        {
            return false;
        }

        int valueLength;
        if (quote != '\0')
        {
            var window = text[i..Math.Min(text.Length, i + 256)];
            valueLength = window.IndexOfAny(quote, '\n');
            if (valueLength < 0 || window[valueLength] != quote)
            {
                return false;
            }
        }
        else
        {
            var window = text[i..Math.Min(text.Length, i + 256)];
            valueLength = window.IndexOfAny(UnquotedEnd);
            if (valueLength < 0)
            {
                valueLength = window.Length;
            }
            else if (window[valueLength] == '(')
            {
                return false; // crypt($1, …), a function call
            }
        }

        var value = text.Slice(i, valueLength);
        if (!IsSecret(value, isPassword, quote != '\0'))
        {
            return false;
        }

        start = i;
        length = valueLength;
        return true;
    }

    private static bool IsSecret(ReadOnlySpan<char> value, bool isPassword, bool quoted)
    {
        // A passphrase may hold spaces when quoted; anything else with a space is prose.
        if (value.Length < (isPassword ? 4 : 8) || SecretValue.IsPlaceholder(value) || value[0] is '/' or '~'
            || (value.Contains(' ') && !(isPassword && quoted)))
        {
            return false;
        }

        // A vendor token is left for its own detector, which names it precisely.
        foreach (var prefix in VendorPrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (isPassword)
        {
            return true;
        }

        var hasLetter = value.ContainsAnyInRange('a', 'z') || value.ContainsAnyInRange('A', 'Z');
        var hasDigit = value.ContainsAnyInRange('0', '9');
        return (hasLetter && hasDigit && TextRules.Entropy(value) >= 3.0) || (value.Length >= 24 && TextRules.Entropy(value) >= 4.0);
    }

    private static int SkipSpaces(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>True if the identifier, ignoring '_', '-' and '.', ends with one of the names (case-insensitively).</summary>
    private static bool EndsWithAny(ReadOnlySpan<char> identifier, string[] names)
    {
        foreach (var name in names)
        {
            var i = identifier.Length - 1;
            var j = name.Length - 1;
            while (j >= 0 && i >= 0)
            {
                var c = identifier[i];
                if (c is '_' or '-' or '.')
                {
                    i--;
                    continue;
                }

                if (char.ToLowerInvariant(c) != name[j])
                {
                    break;
                }

                i--;
                j--;
            }

            if (j < 0 && (i < 0 || identifier[i] is '_' or '-' or '.' || char.IsAsciiLetterUpper(identifier[i + 1])))
            {
                return true;
            }
        }

        return false;
    }
}
