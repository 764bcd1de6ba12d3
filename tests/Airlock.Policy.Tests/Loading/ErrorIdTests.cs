using Airlock.Policy.Diagnostics;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;

namespace Airlock.Policy.Tests.Loading;

/// <summary>
/// Every stable error id fires, at the place a person would look for it. Each case writes a valid base
/// file and one file with exactly one fault; line and column were counted by hand from the text below
/// (1-based, as editors show them). The meta-test makes an id added to <see cref="PolicyErrors.Titles"/>
/// without a case here fail the build.
/// </summary>
public sealed class ErrorIdTests
{
    /// <summary>Valid on its own: resources db (postgres) and api (http), user alice, group eng, grant jit, and one rule.</summary>
    private const string Base = """
        resources:
          db:
            type: postgres
            postgres: { host: h, database: d, user: u }
          api:
            type: http
            http: { base_url: "https://api.example.com" }
        users:
          alice: {}
        groups:
          eng: { members: [alice] }
        grants:
          jit: { max: 1h, approvers: { groups: [eng] } }
        rules:
          - id: base-rule
            allow:
              users: [alice]
              resources: [api]
              http: { methods: [GET] }
        """;

    /// <summary>One bundle that must produce exactly one diagnostic.</summary>
    /// <param name="Id">The error id that must fire.</param>
    /// <param name="Arrange">Writes the bundle's files.</param>
    /// <param name="File">The file the diagnostic names, relative to the bundle; empty for the bundle directory itself.</param>
    /// <param name="Line">1-based line, or 0 for diagnostics about a whole file or directory.</param>
    /// <param name="Column">1-based column, or 0.</param>
    /// <param name="LoadFrom">A path under the bundle to load instead of the bundle itself.</param>
    /// <param name="MessagePart">Text the message must contain, such as a did-you-mean suggestion.</param>
    internal sealed record ErrorCase(string Id, Action<TempBundle> Arrange, string File, int Line, int Column, string? LoadFrom = null, string? MessagePart = null);

    private static ErrorCase WithBase(string id, string file, string text, int line, int column, string? messagePart = null) =>
        new(id, b =>
        {
            b.Write("base.yaml", Base);
            b.Write(file, text);
        }, file, line, column, MessagePart: messagePart);

    /// <summary>Keyed by a case name so that the test explorer shows one row per case.</summary>
    internal static IReadOnlyDictionary<string, ErrorCase> Cases { get; } = new Dictionary<string, ErrorCase>(StringComparer.Ordinal)
    {
        ["AL0101 bundle directory missing"] = new(PolicyErrors.BundleNotFound, _ => { }, "missing", 0, 0, LoadFrom: "missing"),

        ["AL0102 invalid UTF-8"] = new(PolicyErrors.FileUnreadable, b =>
        {
            b.Write("base.yaml", Base);
            System.IO.File.WriteAllBytes(b.PathOf("x.yaml"), [.. "rules: []\n# "u8, 0xC3, 0x28, 0xFF, (byte)'\n']);
        }, "x.yaml", 0, 0, MessagePart: "UTF-8"),

        ["AL0102 dangling symlink"] = new(PolicyErrors.FileUnreadable, b =>
        {
            b.Write("base.yaml", Base);
            System.IO.File.CreateSymbolicLink(b.PathOf("x.yaml"), b.PathOf("does-not-exist.yaml"));
        }, "x.yaml", 0, 0),

        ["AL0103 file too large"] = new(PolicyErrors.FileTooLarge, b =>
        {
            b.Write("base.yaml", Base);
            b.Write("x.yaml", "# " + new string('x', BundleLoader.MaxFileBytes) + "\n");
        }, "x.yaml", 0, 0),

        // Line 3 is "    allow: x: y"; the second ':' is at column 13.
        ["AL0104 YAML syntax"] = WithBase(PolicyErrors.YamlSyntax, "x.yaml", """
            rules:
              - id: r1
                allow: x: y
            """, 3, 13),

        // The 65th '[' (column 65) is the first node deeper than MaxDepth = 64.
        ["AL0105 nesting too deep"] = WithBase(PolicyErrors.NestingTooDeep, "x.yaml", new string('[', 10_000), 1, YamlTreeReaderMaxDepth + 1),

        // The anchor '&a' starts at line 1, column 4.
        ["AL0106 anchors and aliases"] = WithBase(PolicyErrors.AliasNotAllowed, "x.yaml", """
            a: &a [lol, lol]
            b: [*a, *a]
            """, 1, 4),

        // The second 'id' key: line 3, column 5.
        ["AL0107 duplicate key"] = WithBase(PolicyErrors.DuplicateKey, "x.yaml", """
            rules:
              - id: r1
                id: r2
                allow: {}
            """, 3, 5, "'id'"),

        ["AL0108 no policy files"] = new(PolicyErrors.EmptyBundle, _ => { }, string.Empty, 0, 0, MessagePart: "no policy files"),

        ["AL0108 files but no rules"] = new(PolicyErrors.EmptyBundle, b => b.Write("people.yaml", "users:\n  alice: {}\n"), string.Empty, 0, 0, MessagePart: "defines no rules"),

        // The second document's '---' is at line 2, column 1.
        ["AL0109 two documents"] = WithBase(PolicyErrors.MultipleDocuments, "x.yaml", """
            rules: []
            ---
            rules: []
            """, 2, 1),

        // 'descripton' is the key at line 3, column 5.
        ["AL0201 unknown key"] = WithBase(PolicyErrors.UnknownKey, "x.yaml", """
            rules:
              - id: r1
                descripton: typo
                allow: {}
            """, 3, 5, "did you mean 'description'"),

        // The scalar 5 after "rules: " is at column 8.
        ["AL0202 wrong type"] = WithBase(PolicyErrors.WrongType, "x.yaml", "rules: 5\n", 1, 8, "must be a list"),

        // The rule mapping starts at its first key, "allow", line 2, column 5.
        ["AL0203 missing key"] = WithBase(PolicyErrors.MissingKey, "x.yaml", """
            rules:
              - allow: {}
            """, 2, 5, "'id'"),

        // "      sql: [reed]": 'reed' at column 13.
        ["AL0204 invalid value"] = WithBase(PolicyErrors.InvalidValue, "x.yaml", """
            rules:
              - id: r1
                allow:
                  resources: [db]
                  sql: [reed]
            """, 5, 13, "did you mean 'read'"),

        // The same rule id in a later file; "  - id: base-rule": the id value at column 9.
        ["AL0205 duplicate rule id across files"] = WithBase(PolicyErrors.DuplicateDefinition, "x.yaml", """
            rules:
              - id: base-rule
                deny:
                  resources: [db]
                  sql: [ddl]
            """, 2, 9, "base.yaml:15:9"),

        // The second effect key, 'deny', at line 4, column 5.
        ["AL0206 two effects"] = WithBase(PolicyErrors.EffectCount, "x.yaml", """
            rules:
              - id: r1
                allow: {}
                deny: {}
            """, 4, 5, "allow and deny"),

        // The quoted id starts at its opening quote, column 9.
        ["AL0207 invalid name"] = WithBase(PolicyErrors.InvalidName, "x.yaml", """
            rules:
              - id: "bad id!"
                allow: {}
            """, 2, 9),

        // "      groups: [engg]": 'engg' at column 16.
        ["AL0301 unknown group"] = WithBase(PolicyErrors.UnknownGroup, "x.yaml", """
            rules:
              - id: r1
                allow:
                  groups: [engg]
            """, 4, 16, "did you mean 'eng'"),

        // "      resources: [dbb]": 'dbb' at column 19.
        ["AL0302 unknown resource"] = WithBase(PolicyErrors.UnknownResource, "x.yaml", """
            rules:
              - id: r1
                allow:
                  resources: [dbb]
            """, 4, 19, "did you mean 'db'"),

        // "      users: [alise]": 'alise' at column 15.
        ["AL0303 unknown principal"] = WithBase(PolicyErrors.UnknownPrincipal, "x.yaml", """
            rules:
              - id: r1
                allow:
                  users: [alise]
            """, 4, 15, "did you mean 'alice'"),

        // "      grant: jitt": 'jitt' at column 14.
        ["AL0304 unknown grant"] = WithBase(PolicyErrors.UnknownGrant, "x.yaml", """
            rules:
              - id: r1
                allow:
                  grant: jitt
            """, 4, 14, "did you mean 'jit'"),

        // "      schedule: { timezone: Mars/Olympus }": the zone at column 29.
        ["AL0401 bad time zone"] = WithBase(PolicyErrors.BadTimeZone, "x.yaml", """
            rules:
              - id: r1
                allow:
                  schedule: { timezone: Mars/Olympus }
            """, 4, 29),

        // "      ticket: \"(INC\"": the opening quote at column 15.
        ["AL0402 bad regex"] = WithBase(PolicyErrors.BadRegex, "x.yaml", """
            rules:
              - id: r1
                allow:
                  ticket: "(INC"
            """, 4, 15),

        // "      password: hunter2": the value at column 17.
        ["AL0403 literal secret"] = WithBase(PolicyErrors.LiteralSecret, "x.yaml", """
            resources:
              db2:
                type: postgres
                postgres:
                  host: h
                  database: d
                  user: u
                  password: hunter2
            """, 8, 17),

        // "  slow: { max: forever, ...": 'forever' at column 16.
        ["AL0404 bad duration"] = WithBase(PolicyErrors.BadDuration, "x.yaml", """
            grants:
              slow: { max: forever, approvers: { groups: [eng] } }
            """, 2, 16),

        // "      schedule: { days: funday, timezone: UTC }": 'funday' at column 25.
        ["AL0405 bad schedule"] = WithBase(PolicyErrors.BadSchedule, "x.yaml", """
            rules:
              - id: r1
                allow:
                  schedule: { days: funday, timezone: UTC }
            """, 4, 25),

        // "    customers.email: scramble": 'scramble' at column 22.
        ["AL0406 unknown masking strategy"] = WithBase(PolicyErrors.UnknownMasking, "x.yaml", """
            masking:
              columns:
                customers.email: scramble
            """, 3, 22),

        // The allow key of the dead rule: line 6, column 5.
        ["AL0501 shadowed rule"] = WithBase(PolicyErrors.ShadowedRule, "x.yaml", """
            rules:
              - id: no-db
                deny:
                  resources: [db]
              - id: db-reads
                allow:
                  resources: [db]
                  sql: [read]
            """, 6, 5, "deny rule 'no-db'"),

        // "      http: { methods: [GET] }": the http block at column 13.
        ["AL0502 action never applies"] = WithBase(PolicyErrors.ActionNeverApplies, "x.yaml", """
            rules:
              - id: r1
                allow:
                  resources: [db]
                  http: { methods: [GET] }
            """, 5, 13),

        // "    given: { user: alice, resource: db }": the given mapping at column 12.
        ["AL0601 invalid test case"] = WithBase(PolicyErrors.InvalidTestCase, "tests/t.yaml", """
            cases:
              - name: no action
                given: { user: alice, resource: db }
                expect: { decision: deny }
            """, 3, 12, "exactly one action"),
    };

    private const int YamlTreeReaderMaxDepth = Yaml.YamlTreeReader.MaxDepth;

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Error_id_fires_at_its_location(string name)
    {
        var c = Cases[name];
        using var bundle = new TempBundle();
        c.Arrange(bundle);

        var result = BundleLoader.Load(c.LoadFrom is null ? bundle.Directory : bundle.PathOf(c.LoadFrom));

        Assert.False(result.Succeeded);
        var expected = new SourceLocation(c.File.Length == 0 ? bundle.Directory : bundle.PathOf(c.File), c.Line, c.Column);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(c.Id, diagnostic.Id);
        Assert.Equal(expected, diagnostic.Location);
        Assert.StartsWith($"{expected}: error {c.Id}: ", diagnostic.ToString(), StringComparison.Ordinal);
        if (c.Line > 0)
        {
            Assert.EndsWith($":{c.Line}:{c.Column}", diagnostic.Location.ToString(), StringComparison.Ordinal);
        }

        if (c.MessagePart is not null)
        {
            Assert.Contains(c.MessagePart, diagnostic.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_published_error_id_has_a_case()
    {
        var exercised = Cases.Values.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var published = PolicyErrors.Titles.Keys.ToHashSet(StringComparer.Ordinal);

        Assert.Empty(published.Except(exercised, StringComparer.Ordinal));
        Assert.Empty(exercised.Except(published, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_error_constant_is_listed_with_a_title()
    {
        var constants = typeof(PolicyErrors).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.Equal(constants.Count, constants.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(constants.Order(StringComparer.Ordinal), PolicyErrors.Titles.Keys.Order(StringComparer.Ordinal));
        Assert.All(PolicyErrors.Titles, t => Assert.Matches("^AL0[1-6][0-9]{2}$", t.Key));
        Assert.All(PolicyErrors.Titles.Values, title => Assert.False(string.IsNullOrWhiteSpace(title)));
    }

    [Fact]
    public void The_base_file_alone_is_valid()
    {
        using var bundle = new TempBundle(("base.yaml", Base));

        var result = bundle.Load();

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal(1, result.FileCount);
        Assert.Equal(RuleEffect.Allow, Assert.Single(result.Bundle!.Rules).Effect);
    }
}
