using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>
/// What a call to a function of <see cref="SqlRunningFunctions"/> reads. A constant SQL argument is analysed
/// like a statement of its own (recursively: ts_stat inside query_to_xml inside ts_rewrite), and the call then
/// reads, calls and is what that statement reads, calls and is; a constant relation argument is a table read
/// whole. Everything else is opaque, and the statement is refused: a non-constant argument (a column,
/// <c>'SELECT …' || x</c>, <c>format(…)</c>, a parameter), a cast that could change the text (<c>::varchar(20)</c>,
/// <c>::name</c> cut it short), text that does not parse, several statements, anything but a plain SELECT,
/// a relation given by OID, and nesting deeper than <see cref="MaxNesting"/>.
/// </summary>
internal static class EmbeddedSql
{
    /// <summary>Deeper nesting of SQL in SQL strings is refused rather than analysed.</summary>
    internal const int MaxNesting = 8;

    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static Dictionary<string, SqlAnalysis>? t_memo;

    /// <summary>
    /// Shares the analyses of SQL strings between the walker and the lineage resolver for the duration of one
    /// top-level analysis: both ask about the same calls, and nested strings would otherwise be analysed 2^depth times.
    /// </summary>
    public static MemoScope Memo()
    {
        var owner = t_memo is null;
        t_memo ??= new Dictionary<string, SqlAnalysis>(StringComparer.Ordinal);
        return new MemoScope(owner);
    }

    /// <summary>What a call reads, or null when <paramref name="name"/> (unqualified) is not a function that runs hidden SQL.</summary>
    public static EmbeddedRead? Read(string name, JsonElement funcCall)
    {
        if (SqlRunningFunctions.Find(name) is not { } argument)
        {
            return null;
        }

        var args = funcCall.TryGetProperty("args", out var a) ? a.EnumerateArray().ToList() : [];
        if (argument.ArgumentCount is { } count && args.Count != count)
        {
            return null; // another overload: ts_rewrite(tsquery, tsquery, tsquery) runs nothing
        }

        if (argument.Kind == EmbeddedArgumentKind.Opaque)
        {
            return EmbeddedRead.Opaque(name, "reads what the statement does not name");
        }

        if (funcCall.TryGetProperty("func_variadic", out var variadic) && variadic.GetBoolean())
        {
            return EmbeddedRead.Opaque(name, "its arguments are passed as a VARIADIC array");
        }

        if (FindArgument(args, argument) is not { } value)
        {
            return EmbeddedRead.Opaque(name, "its argument could not be found");
        }

        if (IsNull(value))
        {
            return EmbeddedRead.Nothing; // a strict function of NULL returns NULL without running anything
        }

        var wanted = argument.Kind == EmbeddedArgumentKind.Relation ? "regclass" : "text";
        if (ConstantText(value, wanted) is not { } text)
        {
            return EmbeddedRead.Opaque(name, "its argument is not a constant string");
        }

        return argument.Kind == EmbeddedArgumentKind.Relation ? RelationRead(name, text) : QueryRead(name, text);
    }

    private static EmbeddedRead QueryRead(string name, string text)
    {
        if (t_depth >= MaxNesting)
        {
            return EmbeddedRead.Opaque(name, $"SQL is nested in strings more than {MaxNesting} levels deep");
        }

        SqlAnalysis analysis;
        if (t_memo is not null && t_memo.TryGetValue(text, out var known))
        {
            analysis = known;
        }
        else
        {
            t_depth++;
            try
            {
                analysis = SqlAnalyzer.AnalyzeUncached(text);
            }
            finally
            {
                t_depth--;
            }

            t_memo?.TryAdd(text, analysis);
        }

        // SPI runs each statement of the text (SPI_execute) or refuses several (SPI_prepare); either way only a
        // single plain SELECT is understood well enough to stand for what the call reads.
        if (analysis.Error is not null || analysis.Statements is not [var statement])
        {
            return EmbeddedRead.Opaque(name, "its SQL text is not exactly one statement that parses");
        }

        if (statement.Command != "SelectStmt" || statement.Flags.HasFlag(SqlFlags.SelectInto))
        {
            return EmbeddedRead.Opaque(name, "its SQL text is not a plain SELECT");
        }

        var sources = statement.Columns.SelectMany(c => c.From).ToHashSet(StringComparer.Ordinal);
        if (sources.Count == 0)
        {
            sources.UnionWith(statement.TablesRead.Select(t => t + ".*"));
        }

        return new EmbeddedRead(statement, [], [.. sources], null);
    }

    private static EmbeddedRead RelationRead(string name, string text)
    {
        if (RegclassName(text) is not { } table)
        {
            return EmbeddedRead.Opaque(name, "its relation is not given by name");
        }

        return new EmbeddedRead(null, [table], [table + ".*"], null);
    }

    /// <summary>The argument at the parameter's position, or given by name (<c>query =&gt; '…'</c>).</summary>
    private static JsonElement? FindArgument(List<JsonElement> args, EmbeddedArgument argument)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (StatementWalker.TryUnwrap(args[i], out var type, out var body) && type == "NamedArgExpr")
            {
                // Named notation: positional arguments come first (gram.y func_arg_list), so this one and all after are named.
                if (body.TryGetProperty("name", out var n) && string.Equals(n.GetString(), argument.Name, StringComparison.Ordinal)
                    && body.TryGetProperty("arg", out var named))
                {
                    return named;
                }
            }
            else if (i == argument.Position)
            {
                return args[i];
            }
        }

        return null;
    }

    private static bool IsNull(JsonElement value) =>
        StatementWalker.TryUnwrap(value, out var type, out var body) && type == "A_Const" && body.TryGetProperty("isnull", out var isNull) && isNull.GetBoolean();

    /// <summary>
    /// The text of a string constant as the server will see it: the parser has decoded E'' escapes, U&amp;''
    /// and dollar quoting. A cast is looked through only to <paramref name="allowedCast"/> or text without a
    /// type modifier, which keep the text as it is; any other cast, or any expression, is not constant here.
    /// </summary>
    private static string? ConstantText(JsonElement value, string allowedCast)
    {
        if (!StatementWalker.TryUnwrap(value, out var type, out var body))
        {
            return null;
        }

        switch (type)
        {
            case "A_Const" when body.TryGetProperty("sval", out var sval) && sval.TryGetProperty("sval", out var text):
                return text.GetString() ?? string.Empty;
            case "A_Const" when body.TryGetProperty("sval", out _):
                return string.Empty; // an empty string: libpg_query leaves the field out
            case "TypeCast" when body.TryGetProperty("arg", out var arg) && body.TryGetProperty("typeName", out var typeName):
                var names = typeName.TryGetProperty("names", out var n) ? n.EnumerateArray().Select(LineageResolver.StringValue).ToList() : [];
                var plain = !typeName.TryGetProperty("typmods", out _) && !typeName.TryGetProperty("arrayBounds", out _)
                    && !(typeName.TryGetProperty("setof", out var setof) && setof.GetBoolean());
                var target = names.Count switch
                {
                    1 => names[0],
                    2 when names[0] == "pg_catalog" => names[1],
                    _ => null,
                };
                return plain && (target == "text" || target == allowedCast) ? ConstantText(arg, allowedCast) : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// A relation name as regclassin reads it (stringToQualifiedNameList in varlena.c: dot-separated
    /// identifiers, unquoted ones folded to lower case, "" inside quotes for a quote); null for an OID or
    /// anything else. The result is written as the parser writes table names, so policy matches it the same way.
    /// </summary>
    internal static string? RegclassName(string text)
    {
        var parts = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            string part;
            if (i < text.Length && text[i] == '"')
            {
                var end = i + 1;
                var builder = new System.Text.StringBuilder();
                while (true)
                {
                    if (end >= text.Length)
                    {
                        return null;
                    }

                    if (text[end] == '"')
                    {
                        if (end + 1 < text.Length && text[end + 1] == '"')
                        {
                            builder.Append('"');
                            end += 2;
                            continue;
                        }

                        break;
                    }

                    builder.Append(text[end++]);
                }

                part = builder.ToString();
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] != '.' && !IsSpace(text[i]))
                {
                    if (text[i] == '"')
                    {
                        return null;
                    }

                    i++;
                }

                part = AsciiLower(text[start..i]);
            }

            // An identifier longer than NAMEDATALEN - 1 bytes is cut short by the server: refused rather than guessed.
            if (part.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(part) > 63)
            {
                return null;
            }

            parts.Add(part);
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            if (text[i] != '.')
            {
                return null;
            }

            i++;
        }

        // regclassin takes an all-digit string as an OID: which relation that is only the catalog knows.
        if (parts.Count is 0 or > 3 || (parts.Count == 1 && parts[0].All(char.IsAsciiDigit)))
        {
            return null;
        }

        return string.Join('.', parts);
    }

    /// <summary>scanner_isspace (scansup.c): the only characters regclassin skips between names.</summary>
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';

    /// <summary>downcase_identifier (scansup.c) folds only ASCII letters in a multibyte encoding such as UTF-8.</summary>
    private static string AsciiLower(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + 32) : source[i];
        }
    });

    /// <summary>Ends the memo of the outermost analysis.</summary>
    internal readonly struct MemoScope(bool owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner)
            {
                t_memo = null;
            }
        }
    }
}

/// <summary>
/// What one call reads: the analysis of its SQL text, or the tables it reads whole, with the lineage of its
/// result; or, when <see cref="OpaqueReason"/> is set, nothing the gateway can know.
/// </summary>
internal sealed record EmbeddedRead(StatementAnalysis? Statement, IReadOnlyList<string> Tables, IReadOnlyList<string> Sources, string? OpaqueReason)
{
    public static EmbeddedRead Nothing { get; } = new(null, [], [], null);

    public static EmbeddedRead Opaque(string function, string reason) => new(null, [], [LineageResolver.Unresolved], $"{function}(…) {reason}");
}
