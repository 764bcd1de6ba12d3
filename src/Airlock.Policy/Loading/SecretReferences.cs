using Airlock.Policy.Model;

namespace Airlock.Policy.Loading;

/// <summary>Parses <c>env:NAME</c> and <c>file:PATH</c>, the only ways a bundle may name a secret.</summary>
public static class SecretReferences
{
    public static bool TryParse(string text, out SecretReference reference)
    {
        reference = null!;
        if (text.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = text[4..];
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }

            reference = new SecretReference(SecretSource.Env, name);
            return true;
        }

        if (text.StartsWith("file:", StringComparison.Ordinal) && text.Length > 5 && !text.Contains('\n', StringComparison.Ordinal))
        {
            reference = new SecretReference(SecretSource.File, text[5..]);
            return true;
        }

        return false;
    }
}
