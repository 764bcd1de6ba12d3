using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Cli.Sql;

/// <summary><c>airlock sql classify</c>: the SQL engine used alone, with no gateway running.</summary>
internal static class SqlCommands
{
    public static Command Build(CliContext context)
    {
        var sql = new Command("sql", "Understand SQL with PostgreSQL's own parser.");
        sql.Add(BuildClassify(context));
        return sql;
    }

    private static Command BuildClassify(CliContext context)
    {
        var text = new Argument<string?>("sql") { Description = "The SQL to classify; read from standard input when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Batch mode: each input line is a JSON string of SQL; each output line is the JSON result for it." };
        var classify = new Command("classify", "Classify SQL: kind, tables, functions, flags, fingerprint, normalized text and column lineage.") { text, json, jsonl };
        classify.SetAction(parse =>
        {
            SqlAnalyzer.EnsureAvailable();
            if (parse.GetValue(jsonl))
            {
                if (parse.GetValue(text) is not null || parse.GetValue(json))
                {
                    throw new CliUsageException("--jsonl reads standard input only, and already prints JSON");
                }

                return RunBatch(context);
            }

            var sqlText = parse.GetValue(text) ?? context.In.ReadToEnd();
            var analysis = SqlAnalyzer.Shared.Analyze(sqlText);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(CliJson.Indented(ToJson(analysis)));
            }
            else
            {
                SqlTable.Write(context.Out, analysis);
            }

            return AirlockCli.Ok;
        });
        return classify;
    }

    /// <summary>One JSON string per line in, one compact JSON result per line out, in order; bad lines get an error result.</summary>
    private static int RunBatch(CliContext context)
    {
        while (context.In.ReadLine() is { } line)
        {
            string? sql = null;
            try
            {
                sql = JsonSerializer.Deserialize<string>(line);
            }
            catch (JsonException)
            {
                // reported below
            }

            var result = sql is null
                ? ErrorJson("input line is not a JSON string (each line must be one SQL text, JSON-encoded)")
                : ToJson(SqlAnalyzer.Shared.Analyze(sql));
            context.Out.WriteLine(CliJson.Line(result));
        }

        return AirlockCli.Ok;
    }

    public static JsonObject ToJson(SqlAnalysis analysis) => new()
    {
        ["kind"] = analysis.Kind.Name(),
        ["statements"] = new JsonArray([.. analysis.Statements.Select(s => (JsonNode)new JsonObject
        {
            ["kind"] = s.Kind.Name(),
            ["command"] = s.Command,
            ["tables_read"] = Strings(s.TablesRead),
            ["tables_written"] = Strings(s.TablesWritten),
            ["functions"] = Strings(s.Functions),
            ["flags"] = Strings(s.Flags.ToNames()),
            ["fingerprint"] = s.Fingerprint,
            ["normalized"] = s.Normalized,
            ["columns"] = new JsonArray([.. s.Columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["from"] = Strings(c.From) })]),
        })]),
        ["error"] = analysis.Error is { } e ? new JsonObject { ["message"] = e.Message, ["position"] = e.CursorPosition } : null,
    };

    private static JsonObject ErrorJson(string message) => new()
    {
        ["kind"] = StatementKind.Unknown.Name(),
        ["statements"] = new JsonArray(),
        ["error"] = new JsonObject { ["message"] = message, ["position"] = 0 },
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
