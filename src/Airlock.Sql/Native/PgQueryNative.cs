using System.Runtime.InteropServices;

namespace Airlock.Sql.Native;

/// <summary>
/// The C API of libpg_query (Debian: libpg-query-dev, the PostgreSQL 15 grammar), as declared in
/// /usr/include/pg_query.h. Every result struct is returned by value and must be given back to its
/// matching free function, error or not.
/// </summary>
internal static unsafe partial class PgQueryNative
{
    public const string Library = "pg_query";

    [StructLayout(LayoutKind.Sequential)]
    public struct PgQueryError
    {
        public byte* Message;
        public byte* FuncName;
        public byte* FileName;
        public int LineNo;
        public int CursorPos;
        public byte* Context;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PgQueryParseResult
    {
        public byte* ParseTree;
        public byte* StderrBuffer;
        public PgQueryError* Error;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PgQueryFingerprintResult
    {
        public ulong Fingerprint;
        public byte* FingerprintStr;
        public byte* StderrBuffer;
        public PgQueryError* Error;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PgQueryNormalizeResult
    {
        public byte* NormalizedQuery;
        public PgQueryError* Error;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PgQueryProtobuf
    {
        public nuint Len;
        public byte* Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PgQueryScanResult
    {
        public PgQueryProtobuf Pbuf;
        public byte* StderrBuffer;
        public PgQueryError* Error;
    }

    [LibraryImport(Library, EntryPoint = "pg_query_scan")]
    public static partial PgQueryScanResult Scan(byte* input);

    [LibraryImport(Library, EntryPoint = "pg_query_free_scan_result")]
    public static partial void FreeScanResult(PgQueryScanResult result);

    [LibraryImport(Library, EntryPoint = "pg_query_parse")]
    public static partial PgQueryParseResult Parse(byte* input);

    [LibraryImport(Library, EntryPoint = "pg_query_free_parse_result")]
    public static partial void FreeParseResult(PgQueryParseResult result);

    [LibraryImport(Library, EntryPoint = "pg_query_fingerprint")]
    public static partial PgQueryFingerprintResult Fingerprint(byte* input);

    [LibraryImport(Library, EntryPoint = "pg_query_free_fingerprint_result")]
    public static partial void FreeFingerprintResult(PgQueryFingerprintResult result);

    [LibraryImport(Library, EntryPoint = "pg_query_normalize")]
    public static partial PgQueryNormalizeResult Normalize(byte* input);

    [LibraryImport(Library, EntryPoint = "pg_query_free_normalize_result")]
    public static partial void FreeNormalizeResult(PgQueryNormalizeResult result);

}
