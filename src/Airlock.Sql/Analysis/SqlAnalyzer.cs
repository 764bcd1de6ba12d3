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
///  shape (pg_query_scan, literals → markers) ──shape cache hit (plain DML only)──► SqlAnalysis
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

    /// <summary>
    /// Statements whose analysis never looks at a literal's value: the walkers read literals only for SET,
    /// transaction modes and EXPLAIN options, never inside these.
    /// </summary>
    private static readonly HashSet<string> LiteralBlindCommands = new(StringComparer.Ordinal) { "SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt" };

    private readonly GenerationalCache<SqlAnalysis> _cache;
    private readonly GenerationalCache<ShapeEntry> _shapes;
    private readonly int _maxCachedLength;

    /// <summary>An analyzer with its own caches.</summary>
    /// <param name="cacheCapacity">Entries kept in all: half for exact texts, half for shapes.</param>
    /// <param name="maxCachedLength">Longer texts are analyzed every time rather than held.</param>
    public SqlAnalyzer(int cacheCapacity = 10_000, int maxCachedLength = 16 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        _cache = new GenerationalCache<SqlAnalysis>(cacheCapacity - (cacheCapacity / 2));
        _shapes = new GenerationalCache<ShapeEntry>(cacheCapacity / 2);
        _maxCachedLength = maxCachedLength;
    }

    /// <summary>One analyzer for the process.</summary>
    public static SqlAnalyzer Shared { get; } = new();

    /// <summary>Throws <see cref="SqlEngineUnavailableException"/>, with install instructions, when libpg_query is missing.</summary>
    public static void EnsureAvailable() => PgQuery.EnsureAvailable();

    internal int CachedCount => _cache.Count + _shapes.Count;

    /// <summary>
    /// Analyzes <paramref name="sql"/>, from the cache when it can. Clients of the simple protocol put
    /// their values into the text (WHERE id = 42, then 43), so exact texts rarely repeat; such texts share
    /// one analysis by their shape: PostgreSQL's own tokens with each literal replaced by a marker of its
    /// token type. Only plain SELECT, INSERT, UPDATE and DELETE are kept by shape, since nothing in their
    /// analysis (kind, tables, functions, flags, lineage, the normalized text) depends on a literal's
    /// value; a SET or an EXPLAIN option does, and is cached by its exact text only. A shape hit is
    /// trusted only when the text itself parses, to the fingerprint the shape was analyzed with: the
    /// grammar reads a few literal values itself and can fail on them (U&amp;'…' escapes are decoded after
    /// scanning; float(p) needs p from 1 to 53), and what does not parse must stay unknown.
    /// </summary>
    public SqlAnalysis Analyze(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (_cache.TryGet(sql, out var cached))
        {
            return cached;
        }

        var cacheable = sql.Length <= _maxCachedLength;
        var shape = cacheable ? Analysis.SqlText.Shape(sql) : null;
        string? fingerprint = null;
        if (shape is not null && _shapes.TryGet(shape, out var sameShape))
        {
            fingerprint = PgQuery.Fingerprint(sql);
            if (fingerprint is not null && string.Equals(fingerprint, sameShape.Fingerprint, StringComparison.Ordinal))
            {
                // Kept by its exact text too: a text that repeats is then served without a scan or a parse.
                _cache.Add(sql, sameShape.Analysis);
                return sameShape.Analysis;
            }
        }

        var analysis = AnalyzeUncached(sql);
        if (shape is not null && IsLiteralBlind(analysis) && (fingerprint ?? PgQuery.Fingerprint(sql)) is { } whole)
        {
            _shapes.Add(shape, new ShapeEntry(analysis, whole));
        }

        if (cacheable)
        {
            _cache.Add(sql, analysis);
        }

        return analysis;
    }

    /// <summary>
    /// A call to a function that runs SQL from a string is analysed by that string's value (ts_stat('… FROM
    /// customers') and ts_stat('… FROM card_vault') have one shape), so it is never kept by shape.
    /// </summary>
    private static bool IsLiteralBlind(SqlAnalysis analysis) =>
        analysis.Error is null && analysis.Statements.Count > 0
        && analysis.Statements.All(s => LiteralBlindCommands.Contains(s.Command) && !s.DependsOnLiterals
            && !s.Functions.Any(f => SqlRunningFunctions.Contains(f[(f.LastIndexOf('.') + 1)..])));

    internal static SqlAnalysis AnalyzeUncached(string sql)
    {
        var nul = sql.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            // C sees only the text before a NUL: never judge a statement by a prefix of it.
            return Failed("SQL text contains a NUL character", nul + 1);
        }

        using var memo = EmbeddedSql.Memo();
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
        var lineage = LineageResolver.Analyze(type, node);
        return analysis with
        {
            Columns = lineage.Columns,
            TakenApart = lineage.TakenApart,
            DependsOnLiterals = lineage.DependsOnLiterals,
            Cursor = CursorStatement.From(type, node),
            Fingerprint = PgQuery.Fingerprint(text),
            Normalized = Analysis.SqlText.Normalized(text, normalized),
        };
    }

    private static SqlAnalysis Failed(string message, int cursor) =>
        new(StatementKind.Unknown, [], new SqlParseError(message, cursor));

    /// <summary>An analysis kept by shape, with the fingerprint of the whole text it was made from.</summary>
    private sealed record ShapeEntry(SqlAnalysis Analysis, string Fingerprint);
}
