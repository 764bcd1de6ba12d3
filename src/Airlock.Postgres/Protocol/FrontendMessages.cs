using System.Buffers;

namespace Airlock.Postgres.Protocol;

/// <summary>The frontend messages the gateway writes to the server itself (https://www.postgresql.org/docs/15/protocol-message-formats.html).</summary>
internal static class FrontendMessages
{
    public static void Query(this PgWriter w, IBufferWriter<byte> output, string sql) => w.Start((byte)'Q').CString(sql).Finish(output);

    /// <summary>Bind with no parameters and default result formats.</summary>
    public static void Bind(this PgWriter w, IBufferWriter<byte> output, string portal, string statement) =>
        w.Start((byte)'B').CString(portal).CString(statement).Int16(0).Int16(0).Int16(0).Finish(output);
}
