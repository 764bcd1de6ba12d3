using Airlock.Sql.Analysis;

namespace Airlock.Sql.Tests.Robustness;

/// <summary>
/// The walkers recurse over the parse tree. However deep the statement and however small the thread's
/// stack, the engine answers, refusing past its limits with kind unknown and an error, and never
/// overflows the stack, which would end the process. On a thread pool thread's stack (1.5 MB on Linux)
/// the limit is the parse tree's depth, not the stack.
/// </summary>
public sealed class DeepNestingTests
{
    private const int ThreadPoolStack = 1536 * 1024;
    private const int TinyStack = 192 * 1024;

    public static TheoryData<string> Shapes() => new()
    {
        "subquery",
        "cte",
        "function",
        "case",
        "array",
        "operator",
        "union",
        "join",
        "not",
        "scalar subquery",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void On_a_thread_pool_stack_every_depth_up_to_the_tree_limit_is_analyzed(string shape)
    {
        var (deepest, error) = Deepest(shape, ThreadPoolStack);
        Assert.True(deepest >= 100, $"{shape}: only {deepest} levels accepted");
        Assert.Contains($"more than {SqlAnalyzer.MaxTreeDepth} levels", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void On_a_tiny_stack_deep_statements_are_refused_not_a_crash(string shape)
    {
        var (deepest, error) = Deepest(shape, TinyStack);
        Assert.True(deepest >= 3, $"{shape}: only {deepest} levels accepted");
        Assert.NotNull(error);
    }

    /// <summary>Analyzes ever deeper statements on a thread with the given stack until one is refused.</summary>
    private static (int Deepest, string? Error) Deepest(string shape, int stackBytes)
    {
        var deepest = 0;
        string? error = null;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    for (var depth = 1; depth <= 5000 && error is null; depth += depth < 100 ? 1 : 25)
                    {
                        var analysis = SqlAnalyzer.AnalyzeUncached(Build(shape, depth));
                        if (analysis.Error is null)
                        {
                            deepest = depth;
                        }
                        else
                        {
                            Assert.Equal(StatementKind.Unknown, analysis.Kind);
                            Assert.Empty(analysis.Statements);
                            error = analysis.Error.Message;
                        }
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            },
            stackBytes);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        return (deepest, error);
    }

    private static string Build(string shape, int n) => shape switch
    {
        "subquery" => "SELECT * FROM " + Repeat("(SELECT * FROM ", n) + "t" + Repeat(") s", n),
        "cte" => Repeat("WITH c AS (", n) + "SELECT 1" + Repeat(") SELECT * FROM c", n),
        "function" => "SELECT " + Repeat("coalesce(", n) + "ssn" + Repeat(", 'x')", n) + " FROM people",
        "case" => "SELECT " + Repeat("CASE WHEN a THEN ", n) + "ssn" + Repeat(" END", n) + " FROM people",
        "array" => "SELECT ARRAY" + Repeat("[", n) + "ssn" + Repeat("]", n) + " FROM people",
        "operator" => "SELECT ssn" + Repeat(" || ssn", n) + " FROM people",
        "union" => "SELECT ssn FROM people" + Repeat(" UNION SELECT ssn FROM people", n),
        "join" => "SELECT * FROM t0" + string.Concat(Enumerable.Range(1, n).Select(i => $" JOIN t{i} ON true")),
        "not" => "SELECT 1 WHERE " + Repeat("NOT ", n) + "true",
        _ => "SELECT " + Repeat("(SELECT ", n) + "ssn FROM people" + Repeat(")", n),
    };

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
