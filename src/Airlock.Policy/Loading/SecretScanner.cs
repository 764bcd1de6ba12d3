using System.Text.RegularExpressions;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

/// <summary>
/// Finds secrets pasted into policy files. Every scalar of every file is checked against the shapes of
/// well-known credentials; the named secret fields (passwords, tokens, env) are checked by the reader.
/// Reports never contain the value found.
/// </summary>
internal static partial class SecretScanner
{
    private static readonly string[] SecretWords = ["password", "passwd", "pwd", "secret", "token", "apikey", "credentials", "passphrase"];
    private static readonly string[] SecretPairs = ["api_key", "private_key", "access_key", "client_secret", "auth_key", "signing_key"];

    /// <summary>Trailing words that name where a secret lives or what it looks like, not the secret itself.</summary>
    private static readonly string[] NotSecretEndings = ["url", "uri", "endpoint", "file", "path", "dir", "name", "type", "ttl", "expiry", "length"];

    private static readonly string[] SecretHeaders = ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"];

    public static void Scan(YamlNode node, NodeBinder binder)
    {
        switch (node)
        {
            case YamlScalar scalar:
                if (LooksLikeSecret(scalar.Value))
                {
                    binder.Report(PolicyErrors.LiteralSecret, scalar.Location, "this value looks like a credential; keep secrets out of policy and refer to them as env:NAME or file:PATH");
                }

                break;
            case YamlSequence sequence:
                foreach (var item in sequence.Items)
                {
                    Scan(item, binder);
                }

                break;
            case YamlMapping mapping:
                foreach (var (key, value) in mapping.Entries)
                {
                    Scan(key, binder);
                    Scan(value, binder);
                }

                break;
        }
    }

    /// <summary>Whether a setting's name says it holds a secret (<c>DB_PASSWORD</c>, <c>api-token</c>, …).</summary>
    public static bool IsSecretName(string name)
    {
        var words = name.ToLowerInvariant().Split('_', '-', '.');
        if (words.Length == 1 && words[0] == "pwd")
        {
            return false; // the shell's working directory, not a password
        }

        if (NotSecretEndings.Contains(words[^1], StringComparer.Ordinal))
        {
            return false;
        }

        var joined = string.Join('_', words);
        return words.Any(w => SecretWords.Contains(w, StringComparer.Ordinal))
            || SecretPairs.Any(p => joined.Contains(p, StringComparison.Ordinal));
    }

    public static bool IsSecretHeader(string name) => SecretHeaders.Contains(name.ToLowerInvariant(), StringComparer.Ordinal);

    internal static bool LooksLikeSecret(string value) => value.Length >= 8 && CredentialShape().IsMatch(value);

    /// <summary>Replaces anything credential-shaped in a message with [REDACTED].</summary>
    internal static string Redact(string message) => LooksLikeSecret(message) ? CredentialShape().Replace(message, "[REDACTED]") : message;

    // URL userinfo passwords, PEM private keys, AWS key ids, GitHub, Stripe, Slack and Google keys, JWTs,
    // and password= in connection strings. NonBacktracking keeps the scan linear on any input.
    [GeneratedRegex(
        @"[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]+:[^/\s@]+@"
        + @"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
        + @"|\b(AKIA|ASIA)[0-9A-Z]{16}\b"
        + @"|\bgh[pousr]_[A-Za-z0-9]{36,}|\bgithub_pat_[A-Za-z0-9_]{22,}"
        + @"|\b[sr]k_(live|test)_[A-Za-z0-9]{16,}"
        + @"|\bxox[abprs]-[A-Za-z0-9\-]{10,}"
        + @"|\bAIza[0-9A-Za-z_\-]{35}"
        + @"|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
        + @"|(?i:\b(password|pwd)\s*=\s*[^;\s'""]{3,})",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex CredentialShape();
}
