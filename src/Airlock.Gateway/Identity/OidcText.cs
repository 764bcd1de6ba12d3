using System.Text;

namespace Airlock.Gateway.Identity;

/// <summary>How values that come from a token or an IdP are shown in a reason: short, one line, printable.</summary>
internal static class OidcText
{
    private const int MaxShown = 100;

    /// <summary>At most 100 characters, control characters replaced by '?', "(none)" for null or empty.</summary>
    public static string Shown(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(none)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxShown) + 1);
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxShown)))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return value.Length > MaxShown ? builder.Append('…').ToString() : builder.ToString();
    }

    public static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
