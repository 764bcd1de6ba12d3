using System.Buffers;
using System.Collections.Frozen;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Decides whether the value after a secret's keyword is a secret or a stand-in: template variables
/// (${X}, {{x}}, %(x)s, $1, :name, @p1, ?), redaction marks (****, xxxx, &lt;redacted&gt;), and the
/// stopwords that follow "password" in prose, docs and schemas (required, null, minimum, varchar).
/// Weak but real passwords such as "changeme" are deliberately not listed.
/// </summary>
internal static class SecretValue
{
    private static readonly FrozenSet<string> Stopwords = new[]
    {
        "null", "nil", "none", "undefined", "true", "false", "yes", "no", "on", "off", "empty", "blank", "n/a", "na", "tbd", "todo",
        "required", "optional", "redacted", "masked", "hidden", "removed", "secret", "password", "passwd", "token", "string", "str",
        "value", "example", "sample", "placeholder", "your_password", "yourpassword", "your_token", "your_secret", "your_api_key",
        "mypassword", "xxx", "is", "was", "must", "should", "will", "can", "field", "the", "and", "for", "not", "set", "unset",
        "default", "env", "text", "varchar", "char", "bytea", "int", "integer", "bool", "boolean", "object", "any", "self", "this",
        "new", "function", "len", "length", "expired", "invalid", "valid", "missing", "changed", "reset", "sha256", "md5", "bcrypt",
        "minimum", "maximum", "min", "max", "policy", "rules", "requirements", "expires", "updated", "incorrect", "wrong", "mismatch",
        "accepted", "rejected", "ok", "failed", "error", "errors", "success", "succeeded", "denied", "contains", "cannot", "enter",
        "provided", "supplied", "generated", "rotated", "revoked", "stored", "encrypted", "hashed", "protected", "sensitive",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly SearchValues<char> RedactionMarks = SearchValues.Create("*xX.#-");

    private static readonly SearchValues<char> PlaceholderStarts = SearchValues.Create("$<{%:@?[(");

    /// <summary>True if <paramref name="value"/> is empty, a template, a redaction mark or a stopword.</summary>
    public static bool IsPlaceholder(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || PlaceholderStarts.Contains(value[0]) || value.IndexOfAnyExcept(value[0]) < 0)
        {
            return true;
        }

        if (value.IndexOfAnyExcept(RedactionMarks) < 0)
        {
            return true;
        }

        return Stopwords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(value);
    }
}
