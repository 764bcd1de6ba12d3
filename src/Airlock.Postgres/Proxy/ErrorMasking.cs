using System.Buffers;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// The server's ErrorResponse and NoticeResponse on their way to the client (issue 14, class C). For a
/// statement that reads masked data (<see cref="MaskedReads"/>) every text field is withheld whole, and
/// the message says which condition it was and why its text is missing (AL0930); otherwise the text
/// fields pass through the detectors, as rows do.
/// </summary>
/// <remarks>
/// Fields (https://www.postgresql.org/docs/15/protocol-error-fields.html) kept when withheld: S and V
/// (severity), C (SQLSTATE), P and p (positions: numbers), F, L and R (the server's source file, line and
/// routine). Everything else goes: M, D, H, W (context, where PL/pgSQL quotes variables), q (the internal
/// query), the object names s, t, c, d and n, and any field a newer server adds, since its content is
/// unknown. Replacing whole is the sound choice: error text has no columns whose lineage could mask it part by part.
/// </remarks>
internal static class ErrorMasking
{
    public const string WithheldId = "AL0930";

    /// <summary>Writes the message with its text withheld, keeping its severity, SQLSTATE and positions.</summary>
    public static void WriteWithheld(PgWriter w, IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> payload)
    {
        var fields = PgErrorFields.Enumerate(payload);
        var state = fields.FirstOrDefault(f => f.Code == (byte)'C').Value ?? "XX000";
        w.Start(type);
        foreach (var (code, value) in fields)
        {
            if (code is (byte)'S' or (byte)'V' or (byte)'C' or (byte)'P' or (byte)'p' or (byte)'F' or (byte)'L' or (byte)'R')
            {
                w.Byte(code).CString(value);
            }
        }

        w.Byte((byte)'M').CString(WithheldMessage(type, state));
        w.Byte((byte)'H').CString(WithheldHint);
        w.Byte(0).Finish(output);
    }

    /// <summary>What the audit records of a server error: its condition, never its text.</summary>
    public static string ConditionOf(string sqlState) => SqlStateNames.Of(sqlState) ?? "unknown condition";

    public static string WithheldMessage(byte type, string sqlState) =>
        $"{WithheldId}: {ConditionOf(sqlState)} (SQLSTATE {sqlState}): the server's {(type == (byte)'N' ? "notice" : "error")} text was withheld because this statement reads data that is masked for you";

    private const string WithheldHint =
        "Error and notice text can quote the values a statement touched, so Airlock does not pass it on for statements that read masked columns (or data it cannot trace: views, user-defined functions). " +
        "The SQLSTATE is the server's own. To see the server's text, reproduce the failure on data that is not masked, or ask someone with an unmask grant.";
}
