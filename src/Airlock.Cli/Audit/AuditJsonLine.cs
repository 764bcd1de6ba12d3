using System.Text;
using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>
/// The line format of <c>audit export</c> (and of <c>tail</c>/<c>search --json</c>): one event per line, the
/// stored canonical body exactly as hashed, with <c>,"hash":"&lt;64 hex digits&gt;"</c> inserted before its
/// final <c>}</c>. The hash field is always the last 74 characters before that brace, so a consumer gets
/// the exact hashed bytes back as <c>line[..^75] + "}"</c> and checks the chain without Airlock:
/// <c>hash(n) = SHA-256(hash(n-1) ‖ body(n))</c>, with 32 zero bytes before event 1 (on an unfiltered
/// export; a filtered one carries each event's hash but not its predecessor). Lines are UTF-8 and end with <c>\n</c>.
/// </summary>
internal static class AuditJsonLine
{
    /// <summary>What is inserted before the body's final brace, up to the hash digits.</summary>
    public const string HashFieldPrefix = ",\"hash\":\"";

    /// <summary>The line for <paramref name="row"/>, or null when its body is not a JSON object (a damaged or edited store).</summary>
    public static string? Format(AuditRow row)
    {
        var body = row.Body;
        if (body.Length <= 2 || body[0] != (byte)'{' || body[^1] != (byte)'}')
        {
            return null;
        }

        var text = new StringBuilder(body.Length + HashFieldPrefix.Length + (row.Hash.Length * 2) + 2);
        text.Append(Encoding.UTF8.GetString(body.AsSpan(0, body.Length - 1)));
        text.Append(HashFieldPrefix).Append(Convert.ToHexStringLower(row.Hash)).Append("\"}");
        return text.ToString();
    }

    /// <summary>Writes the line for <paramref name="row"/>; returns false (and writes nothing) for an unreadable body.</summary>
    public static bool Write(TextWriter output, AuditRow row)
    {
        if (Format(row) is not { } line)
        {
            return false;
        }

        output.Write(line);
        output.Write('\n');
        return true;
    }
}
