using System.Text;
using Airlock.Audit;
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

    /// <summary>
    /// Why <paramref name="row"/> cannot be a line, or null when it can: a line is exactly one canonical event, so a
    /// malformed row, a body that is not its canonical form (trailing data would become a forged extra line, a
    /// duplicate key a second meaning) or a hash of the wrong length is never written (issue 15, class O).
    /// </summary>
    public static string? Problem(AuditRow row)
    {
        if (row.Defect is { } defect)
        {
            return $"{AuditErrors.MalformedRow}: {defect}";
        }

        if (row.Hash.Length != AuditChainHead.HashLength)
        {
            return $"{AuditErrors.HashMismatch}: its hash is not {AuditChainHead.HashLength} bytes";
        }

        var read = CanonicalBody.Read(row.Body);
        return read.Event is null ? $"{read.ErrorId}: {read.Reason}" : null;
    }

    /// <summary>The line for <paramref name="row"/>, or null when it is not one canonical event (see <see cref="Problem"/>).</summary>
    public static string? Format(AuditRow row) => Problem(row) is null ? Line(row) : null;

    /// <summary>Writes the line for <paramref name="row"/>; returns null, or why it wrote nothing.</summary>
    public static string? Write(TextWriter output, AuditRow row)
    {
        if (Problem(row) is { } problem)
        {
            return problem;
        }

        output.Write(Line(row));
        output.Write('\n');
        return null;
    }

    private static string Line(AuditRow row)
    {
        var body = row.Body;
        var text = new StringBuilder(body.Length + HashFieldPrefix.Length + (row.Hash.Length * 2) + 2);
        text.Append(Encoding.UTF8.GetString(body.AsSpan(0, body.Length - 1)));
        text.Append(HashFieldPrefix).Append(Convert.ToHexStringLower(row.Hash)).Append("\"}");
        return text.ToString();
    }
}
