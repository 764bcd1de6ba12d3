using System.Buffers;

namespace Airlock.Postgres.Protocol;

/// <summary>The backend messages the gateway writes itself (https://www.postgresql.org/docs/15/protocol-message-formats.html).</summary>
internal static class BackendMessages
{
    public static void ReadyForQuery(this PgWriter w, IBufferWriter<byte> output, byte status) => w.Start((byte)'Z').Byte(status).Finish(output);

    public static void AuthenticationOk(this PgWriter w, IBufferWriter<byte> output) => w.Start((byte)'R').Int32(0).Finish(output);

    public static void AuthenticationCleartextPassword(this PgWriter w, IBufferWriter<byte> output) => w.Start((byte)'R').Int32(3).Finish(output);

    public static void ParameterStatus(this PgWriter w, IBufferWriter<byte> output, string name, string value) => w.Start((byte)'S').CString(name).CString(value).Finish(output);

    public static void BackendKeyData(this PgWriter w, IBufferWriter<byte> output, int processId, int secretKey) => w.Start((byte)'K').Int32(processId).Int32(secretKey).Finish(output);

    public static void CommandComplete(this PgWriter w, IBufferWriter<byte> output, string tag) => w.Start((byte)'C').CString(tag).Finish(output);

    /// <summary>ErrorResponse ('E') or NoticeResponse ('N') with the fields clients show.</summary>
    public static void ErrorOrNotice(this PgWriter w, IBufferWriter<byte> output, byte type, string severity, string sqlState, string message, string? detail = null, string? hint = null)
    {
        w.Start(type)
            .Byte((byte)'S').CString(severity)
            .Byte((byte)'V').CString(severity)
            .Byte((byte)'C').CString(sqlState)
            .Byte((byte)'M').CString(message);
        if (detail is not null)
        {
            w.Byte((byte)'D').CString(detail);
        }

        if (hint is not null)
        {
            w.Byte((byte)'H').CString(hint);
        }

        w.Byte(0).Finish(output);
    }

    public static void Error(this PgWriter w, IBufferWriter<byte> output, PgError error) =>
        w.ErrorOrNotice(output, (byte)'E', error.Severity, error.SqlState, error.Message, error.Detail, error.Hint);

    public static void Notice(this PgWriter w, IBufferWriter<byte> output, string message, string? detail = null) =>
        w.ErrorOrNotice(output, (byte)'N', "NOTICE", "01000", message, detail);
}
