using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Airlock.Sql.Native;

/// <summary>
/// Safe calls into libpg_query. Input is passed as NUL-terminated UTF-8; every native result is copied
/// into managed memory and freed before the call returns, on every path, so nothing native outlives it.
/// libpg_query keeps its memory contexts per thread, so calls from many threads are safe.
/// </summary>
internal static unsafe class PgQuery
{
    private static readonly string[] LibraryNames = ["libpg_query.so", "libpg_query.so.1504.0", "libpg_query.so.1504", "pg_query"];
    private static readonly Lazy<Exception?> LoadFailure = new(Load);

    /// <summary>Throws <see cref="SqlEngineUnavailableException"/> when the library cannot be loaded.</summary>
    public static void EnsureAvailable()
    {
        if (LoadFailure.Value is { } failure)
        {
            throw new SqlEngineUnavailableException(SqlEngineUnavailableException.InstallHint, failure);
        }
    }

    public static bool IsAvailable => LoadFailure.Value is null;

    /// <summary>Parses to the JSON parse tree, or returns the parser's error.</summary>
    public static NativeOutcome Parse(string sql)
    {
        EnsureAvailable();
        return WithInput(sql, static input =>
        {
            var result = PgQueryNative.Parse((byte*)input);
            try
            {
                return result.Error is not null ? NativeOutcome.Failed(result.Error) : NativeOutcome.Ok(CopyBytes(result.ParseTree));
            }
            finally
            {
                PgQueryNative.FreeParseResult(result);
            }
        });
    }

    /// <summary>The statement's fingerprint as 16 hex digits: equal for statements that differ only in literals.</summary>
    public static string? Fingerprint(string sql)
    {
        EnsureAvailable();
        return WithInput(sql, static input =>
        {
            var result = PgQueryNative.Fingerprint((byte*)input);
            try
            {
                return result.Error is not null ? null : Marshal.PtrToStringUTF8((nint)result.FingerprintStr);
            }
            finally
            {
                PgQueryNative.FreeFingerprintResult(result);
            }
        });
    }

    /// <summary>The statement with every literal replaced by $n, or null when it does not parse.</summary>
    public static string? Normalize(string sql)
    {
        EnsureAvailable();
        return WithInput(sql, static input =>
        {
            var result = PgQueryNative.Normalize((byte*)input);
            try
            {
                return result.Error is not null ? null : Marshal.PtrToStringUTF8((nint)result.NormalizedQuery);
            }
            finally
            {
                PgQueryNative.FreeNormalizeResult(result);
            }
        });
    }

    /// <summary>
    /// The tokens of the text as PostgreSQL's own scanner (scan.l) finds them, comments included, or null
    /// when it cannot be scanned. Positions are UTF-8 byte offsets into the text.
    /// </summary>
    public static IReadOnlyList<SqlToken>? Scan(string sql)
    {
        EnsureAvailable();
        return WithInput(sql, static input =>
        {
            var result = PgQueryNative.Scan((byte*)input);
            try
            {
                if (result.Error is not null || result.Pbuf.Len > int.MaxValue)
                {
                    return null;
                }

                return ScanProtobuf.ReadTokens(new ReadOnlySpan<byte>(result.Pbuf.Data, (int)result.Pbuf.Len));
            }
            finally
            {
                PgQueryNative.FreeScanResult(result);
            }
        });
    }


    private static T WithInput<T>(string sql, Func<nint, T> call)
    {
        var length = Encoding.UTF8.GetMaxByteCount(sql.Length) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(sql, buffer);
            buffer[written] = 0;
            fixed (byte* input = buffer)
            {
                return call((nint)input);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] CopyBytes(byte* text)
    {
        var span = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);
        return span.ToArray();
    }

    private static Exception? Load()
    {
        Exception? last = null;
        nint handle = 0;
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, typeof(PgQuery).Assembly, DllImportSearchPath.SafeDirectories, out handle))
            {
                break;
            }
        }

        if (handle == 0)
        {
            last = new DllNotFoundException($"none of {string.Join(", ", LibraryNames)} could be loaded");
            return last;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(PgQuery).Assembly, (name, _, _) => name == PgQueryNative.Library ? handle : 0);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for this assembly (a second Load after a failure): it is ours.
        }

        return null;
    }
}

/// <summary>What a native call gave back: the output bytes, or the parser's error with its cursor position.</summary>
internal readonly record struct NativeOutcome(byte[]? Output, string? Error, int CursorPosition)
{
    public static NativeOutcome Ok(byte[] output) => new(output, null, 0);

    public static unsafe NativeOutcome Failed(PgQueryNative.PgQueryError* error) =>
        new(null, Marshal.PtrToStringUTF8((nint)error->Message) ?? "parse error", error->CursorPos);
}
