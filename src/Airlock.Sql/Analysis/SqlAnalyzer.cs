using System.Text;
using System.Text.Json;
using Airlock.Sql.Native;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Understands SQL with PostgreSQL's own parser. Safe to share between threads; repeated texts are
/// served from a bounded cache, since clients send the same statements again and again.
/// </summary>
/// <remarks>
/// <code>
///  text ──cache hit──────────────────────────────────────────────────────────────► SqlAnalysis
///    │ miss
///    ▼
///  pg_query_parse ──error──► kind unknown, redacted message, cursor position
///    │ JSON parse tree
///    ▼ for each statement (byte range from the parser)
///  StatementWalker (kind, tables, functions, flags) + LineageResolver (output columns)
///  pg_query_fingerprint, pg_query_normalize (literals → $n) + comment stripping
///    ▼
///  SqlAnalysis: the most dangerous statement kind for the whole string
/// </code>
/// </remarks>
public sealed class SqlAnalyzer
{
    /// <summary>Deeper parse trees than this are refused rather than walked: the walkers recurse.</summary>
    internal const int MaxTreeDepth = 1000;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = MaxTreeDepth };

    private readonly GenerationalCache<SqlAnalysis> _cache;
    private readonly int _maxCachedLength;

    public SqlAnalyzer(int cacheCapacity = 10_000, int maxCachedLength = 16 * 1024)
    {
        _cache = new GenerationalCache<SqlAnalysis>(cacheCapacity);
        _maxCachedLength = maxCachedLength;
    }

    /// <summary>One analyzer for the process.</summary>
    public static SqlAnalyzer Shared { get; } = new();

    /// <summary>Throws <see cref="SqlEngineUnavailableException"/>, with install instructions, when libpg_query is missing.</summary>
    public static void EnsureAvailable() => PgQuery.EnsureAvailable();

    internal int CachedCount => _cache.Count;

    public SqlAnalysis Analyze(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (_cache.TryGet(sql, out var cached))
        {
            return cached;
        }

        var analysis = AnalyzeUncached(sql);
        if (sql.Length <= _maxCachedLength)
        {
            _cache.Add(sql, analysis);
        }

        return analysis;
    }

    internal static SqlAnalysis AnalyzeUncached(string sql)
    {
        var nul = sql.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            // C sees only the text before a NUL: never judge a statement by a prefix of it.
            return Failed("SQL text contains a NUL character", nul + 1);
        }

        var parsed = PgQuery.Parse(sql);
        if (parsed.Error is { } error)
        {
            return Failed(Analysis.SqlText.RedactError(error), parsed.CursorPosition);
        }

        try
        {
            using var document = JsonDocument.Parse(parsed.Output, JsonOptions);
            var bytes = Encoding.UTF8.GetBytes(sql);
            var statements = new List<StatementAnalysis>();
            if (document.RootElement.TryGetProperty("stmts", out var stmts))
            {
                foreach (var raw in stmts.EnumerateArray())
                {
                    statements.Add(AnalyzeStatement(raw, bytes));
                }
            }

            var kind = statements.Count == 0 ? StatementKind.Read : statements.Select(s => s.Kind).Aggregate(StatementKinds.Max);
            return new SqlAnalysis(kind, statements, null);
        }
        catch (JsonException)
        {
            return Failed($"the statement is nested more than {MaxTreeDepth} levels deep", 1);
        }
        catch (InsufficientExecutionStackException)
        {
            return Failed("the statement is nested too deeply to analyze on this thread's stack", 1);
        }
    }

    private static StatementAnalysis AnalyzeStatement(JsonElement raw, byte[] bytes)
    {
        var location = raw.TryGetProperty("stmt_location", out var l) ? l.GetInt32() : 0;
        var length = raw.TryGetProperty("stmt_len", out var n) && n.GetInt32() > 0 ? n.GetInt32() : bytes.Length - location;
        var text = Encoding.UTF8.GetString(bytes, location, Math.Min(length, bytes.Length - location));
        if (!StatementWalker.TryUnwrap(raw.GetProperty("stmt"), out var type, out var node))
        {
            return new StatementAnalysis { Kind = StatementKind.Unknown, Command = "?" };
        }

        var analysis = StatementWalker.Walk(type, node);
        var normalized = PgQuery.Normalize(text);
        return analysis with
        {
            Columns = LineageResolver.Resolve(type, node),
            Fingerprint = PgQuery.Fingerprint(text),
            Normalized = Analysis.SqlText.Normalized(text, normalized),
        };
    }

    private static SqlAnalysis Failed(string message, int cursor) =>
        new(StatementKind.Unknown, [], new SqlParseError(message, cursor));
}
