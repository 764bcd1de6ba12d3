using Airlock.Policy.Diagnostics;
using Airlock.Policy.Tests.Support;

namespace Airlock.Policy.Tests.Loading;

/// <summary>YAML that is broken, nested too deep or uses anchors: refused with a located diagnostic, never an exception.</summary>
public sealed class YamlInputTests
{
    private static TempBundle WithWorld(string file, string text) => new(("world.yaml", World.Definitions), (file, text));

    [Theory]
    [InlineData("rules: [a, b\n", "x.yaml")]
    [InlineData("rules:\n  - id: 'unterminated\n", "x.yaml")]
    [InlineData("rules:\n\t- id: r1\n", "x.yaml")]
    [InlineData("rules:\n  - id: r1\n   allow: {}\n", "x.yaml")]
    [InlineData("%YAML 9.9\n---\nrules: []\n", "x.yaml")]
    [InlineData("cases: [\n", "tests/x.yaml")]
    public void Malformed_yaml_is_a_syntax_error_in_that_file(string text, string file)
    {
        using var bundle = WithWorld(file, text);

        var result = bundle.Load();

        var diagnostic = result.Single(PolicyErrors.YamlSyntax);
        Assert.Equal(bundle.PathOf(file), diagnostic.Location.File);
        Assert.True(diagnostic.Location.Line >= 1, diagnostic.ToString());
        Assert.DoesNotContain("(Line:", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', diagnostic.Message);
    }

    [Theory]
    [InlineData("rules: [\nx\n")]
    [InlineData("...\nrules: []\n")]
    public void Yaml_the_parser_chokes_on_is_a_syntax_error_not_an_exception(string text)
    {
        // BUG: YamlDotNet 16.3.0 throws InvalidOperationException (not YamlException) for these inputs
        // (from Scanner.ScanPlainScalar and Parser.ParseDocumentStart), and YamlTreeReader.Read catches
        // only YamlException, so BundleLoader.Load throws instead of reporting AL0104.
        using var bundle = WithWorld("x.yaml", text);

        var result = bundle.Load();

        Assert.Equal(bundle.PathOf("x.yaml"), result.Single(PolicyErrors.YamlSyntax).Location.File);
    }

    [Fact]
    public void An_unterminated_quote_is_reported_where_the_scalar_starts()
    {
        using var bundle = WithWorld("x.yaml", "rules:\n  - id: 'unterminated\n");

        var result = bundle.Load();

        // "  - id: 'unterminated": the quote is at line 2, column 9.
        result.At(PolicyErrors.YamlSyntax, bundle.PathOf("x.yaml"), 2, 9);
    }

    [Fact]
    public void A_broken_file_does_not_hide_problems_in_the_others()
    {
        using var bundle = WithWorld("a.yaml", "rules: [\n");
        bundle.Write("b.yaml", "rules:\n  - id: r1\n    allow:\n      groups: [nobody]\n");

        var result = bundle.Load();

        Assert.Equal(bundle.PathOf("a.yaml"), result.Single(PolicyErrors.YamlSyntax).Location.File);
        result.At(PolicyErrors.UnknownGroup, bundle.PathOf("b.yaml"), 4, 16);
        Assert.Equal(3, result.FileCount);
    }

    [Theory]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public void Ten_thousand_nested_brackets_are_refused_without_recursing(char open, char close)
    {
        using var bundle = WithWorld("deep.yaml", new string(open, 10_000) + new string(close, 10_000));

        var result = bundle.Load();

        var diagnostic = result.Single(PolicyErrors.NestingTooDeep);
        Assert.Equal(new SourceLocation(bundle.PathOf("deep.yaml"), 1, Yaml.YamlTreeReader.MaxDepth + 1), diagnostic.Location);
        Assert.Contains("64 levels", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_block_indentation_is_refused_at_the_first_node_too_deep()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', 2 * i) + "a:\n"));
        using var bundle = WithWorld("deep.yaml", text);

        var result = bundle.Load();

        // Mapping k (1-based) starts on line k at column 2k-1; the key of mapping 64 is node depth 65.
        result.At(PolicyErrors.NestingTooDeep, bundle.PathOf("deep.yaml"), 64, 127);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read()
    {
        // "rules: " then 63 lists: the innermost list is at depth 64, the deepest allowed.
        using var bundle = WithWorld("x.yaml", "rules: " + new string('[', 63) + new string(']', 63) + "\n");

        var result = bundle.Load();

        Assert.Empty(result.All(PolicyErrors.NestingTooDeep));
        result.At(PolicyErrors.WrongType, bundle.PathOf("x.yaml"), 1, 9);

        bundle.Write("x.yaml", "rules: " + new string('[', 64) + new string(']', 64) + "\n");
        bundle.Load().At(PolicyErrors.NestingTooDeep, bundle.PathOf("x.yaml"), 1, 71);
    }

    [Fact]
    public void A_billion_laughs_alias_bomb_is_refused_before_any_expansion()
    {
        var lines = new List<string> { "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (var level = 'b'; level <= 'j'; level++)
        {
            var previous = (char)(level - 1);
            lines.Add($"{level}: &{level} [{string.Join(", ", Enumerable.Repeat("*" + previous, 9))}]");
        }

        using var bundle = WithWorld("bomb.yaml", string.Join("\n", lines) + "\n");

        var result = bundle.Load();

        Assert.Equal(new SourceLocation(bundle.PathOf("bomb.yaml"), 1, 4), result.Single(PolicyErrors.AliasNotAllowed).Location);
        Assert.Single(result.Diagnostics);
    }

    [Theory]
    [InlineData("base: &base { resources: [db] }\nrules:\n  - id: r1\n    allow:\n      <<: *base\n", 1, 7)]
    [InlineData("rules:\n  - id: r1\n    allow: *undefined\n", 3, 12)]
    [InlineData("rules:\n  - id: r1\n    allow: !!map &x {}\n", 3, 12)]
    public void Anchors_aliases_and_merge_keys_are_refused(string text, int line, int column)
    {
        using var bundle = WithWorld("x.yaml", text);

        bundle.Load().At(PolicyErrors.AliasNotAllowed, bundle.PathOf("x.yaml"), line, column);
    }
}
