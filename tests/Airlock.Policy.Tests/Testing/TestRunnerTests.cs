using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Policy.Testing;
using Airlock.Policy.Tests.Support;

namespace Airlock.Policy.Tests.Testing;

/// <summary>Running a bundle's own test cases: results, failure texts, coverage and the JUnit report.</summary>
public sealed class TestRunnerTests
{
    private static readonly FixedTimeProvider Clock = new(World.Noon);

    private const string Rules = """
        masking:
          columns:
            customers.card_number: redact
        rules:
          - id: eng-reads
            allow: { groups: [eng], resources: [db], sql: [read] }
          - id: no-ddl
            deny: { resources: [db], sql: [ddl] }
          - id: weekday-writes
            allow: { groups: [eng], resources: [db-staging], sql: [write], schedule: { days: mon-fri, timezone: UTC } }
          - id: never-decides
            allow: { users: [carol], resources: [api] }
        """;

    private static PolicyTestReport Run(string tests, SqlClassifier? classifier = null, TimeProvider? time = null)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", Rules), ("tests/cases.yaml", tests));
        var result = bundle.Load();
        Assert.True(result.Succeeded, result.Describe());
        return new PolicyTestRunner(SnapshotCompiler.Compile(result.Bundle!), classifier, time ?? Clock).Run();
    }

    [Fact]
    public void The_sample_bundle_passes_all_its_cases_with_full_rule_coverage()
    {
        var load = BundleLoader.Load(SampleBundle.Directory);
        Assert.True(load.Succeeded, load.Describe());
        var snapshot = SnapshotCompiler.Compile(load.Bundle!);

        var report = new PolicyTestRunner(snapshot, SqlClassifiers.PostgresParser, Clock).Run();

        Assert.NotEmpty(report.Results);
        Assert.All(report.Results, r => Assert.True(r.Passed, $"{r.Case.Name}: {string.Join("; ", r.Failures)}"));
        Assert.Equal(0, report.Failed);
        Assert.Equal(report.Results.Count, report.Passed);
        Assert.Empty(report.UncoveredRules);
        Assert.Equal(100.0, report.CoveragePercent);
        Assert.Equal(snapshot.Rules.Count, report.RuleCount);
    }

    [Fact]
    public void A_wrong_expectation_fails_with_expected_and_actual()
    {
        var report = Run("""
            cases:
              - name: bob reads orders
                given: { user: bob, resource: db, sql: { kind: read, tables: [orders] } }
                expect: { decision: allow, rule: eng-reads }
              - name: alice reads orders
                given: { user: alice, resource: db, sql: { kind: read, tables: [orders] } }
                expect: { decision: allow, rule: eng-reads }
            """);

        var failed = Assert.Single(report.Results, r => !r.Passed);
        Assert.Equal("bob reads orders", failed.Case.Name);
        Assert.Equal(["decision: expected allow, got deny", "rule: expected eng-reads, got default-deny"], failed.Failures);
        Assert.Equal(RuleEffect.Deny, failed.ActualDecision);
        Assert.Equal("default-deny", failed.ActualRule);
        Assert.Empty(failed.MatchedRules);
        Assert.Equal(1, report.Failed);
        Assert.Equal(1, report.Passed);
    }

    [Fact]
    public void A_right_decision_by_the_wrong_rule_fails_on_the_rule()
    {
        var report = Run("""
            cases:
              - name: ddl is denied
                given: { user: alice, resource: db, sql: { kind: ddl } }
                expect: { decision: deny, rule: default-deny }
            """);

        var result = Assert.Single(report.Results);
        Assert.Equal(["rule: expected default-deny, got no-ddl"], result.Failures);
        Assert.Equal(["no-ddl"], result.MatchedRules);
    }

    [Fact]
    public void Masking_expectations_compare_exactly_the_masked_columns()
    {
        var report = Run("""
            cases:
              - name: right
                given: { user: alice, resource: db, sql: { kind: read }, columns: [customers.card_number, customers.email, orders.id] }
                expect: { decision: allow, masked: [customers.card_number, customers.email] }
              - name: wrong
                given: { user: alice, resource: db, sql: { kind: read }, columns: [customers.card_number, orders.id] }
                expect: { decision: allow, masked: [orders.id] }
            """);

        Assert.True(report.Results[0].Passed, string.Join("; ", report.Results[0].Failures));
        Assert.Equal(["customers.card_number", "customers.email"], report.Results[0].ActualMasked);
        Assert.Equal(["masked: expected [orders.id], got [customers.card_number]"], report.Results[1].Failures);
    }

    [Fact]
    public void Coverage_counts_only_rules_that_decided_a_case()
    {
        var report = Run("""
            cases:
              - name: ddl with a read allow beside it
                given: { user: alice, resource: db, sql: { kind: ddl } }
                expect: { decision: deny, rule: no-ddl }
              - name: a read
                given: { user: alice, resource: db, sql: { kind: read } }
                expect: { decision: allow, rule: eng-reads }
            """);

        Assert.Equal(["weekday-writes", "never-decides"], report.UncoveredRules.Select(r => r.Id).ToArray());
        Assert.Equal(4, report.RuleCount);
        Assert.Equal(50.0, report.CoveragePercent);
    }

    [Fact]
    public void A_case_without_a_time_is_decided_at_the_clocks_time()
    {
        const string Tests = """
            cases:
              - name: a write on staging
                given: { user: alice, resource: db-staging, sql: { kind: write } }
                expect: { decision: allow }
            """;

        Assert.True(Assert.Single(Run(Tests, time: new FixedTimeProvider(World.Noon)).Results).Passed);
        var saturday = Assert.Single(Run(Tests, time: new FixedTimeProvider(new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero))).Results);
        Assert.Equal(["decision: expected allow, got deny"], saturday.Failures);
    }

    [Fact]
    public void A_case_with_a_time_ignores_the_clock()
    {
        var report = Run("""
            cases:
              - name: a write on a Saturday
                given: { user: alice, resource: db-staging, sql: { kind: write }, at: "2026-03-07T12:00:00Z" }
                expect: { decision: deny, rule: default-deny }
            """);

        Assert.True(Assert.Single(report.Results).Passed);
    }

    [Fact]
    public void Sql_text_is_classified_by_the_plugged_in_classifier()
    {
        const string Tests = """
            cases:
              - name: a select
                given: { user: alice, resource: db, sql: "SELECT * FROM orders" }
                expect: { decision: allow, rule: eng-reads }
              - name: a drop
                given: { user: alice, resource: db, sql: "DROP TABLE orders" }
                expect: { decision: deny, rule: no-ddl }
            """;
        var classifier = new FakeSqlClassifier();

        var report = Run(Tests, classifier.Classify);

        Assert.All(report.Results, r => Assert.True(r.Passed, string.Join("; ", r.Failures)));
        Assert.Equal(["SELECT * FROM orders", "DROP TABLE orders"], classifier.Seen);
    }

    [Fact]
    public void Sql_text_without_a_classifier_fails_the_case_and_says_why()
    {
        var report = Run("""
            cases:
              - name: a select
                given: { user: alice, resource: db, sql: "SELECT 1" }
                expect: { decision: allow }
            """);

        var result = Assert.Single(report.Results);
        Assert.Contains(result.Failures, f => f.Contains("no SQL classifier", StringComparison.Ordinal));
    }

    [Fact]
    public void Command_and_http_cases_run_in_both_written_forms()
    {
        using var bundle = new TempBundle(
            ("world.yaml", World.Definitions),
            ("rules.yaml", "rules:\n  - id: get\n    allow: { resources: [k8s], command: [\"kubectl get **\"] }\n  - id: charges\n    allow: { resources: [api], http: { methods: [GET], paths: [\"/v1/*\"] } }\n"),
            ("tests/t.yaml", """
                cases:
                  - name: argv as a line
                    given: { user: alice, resource: k8s, command: "kubectl   get pods" }
                    expect: { decision: allow, rule: get }
                  - name: argv as a list
                    given: { user: alice, resource: k8s, command: [kubectl, get, "pods -A"] }
                    expect: { decision: allow, rule: get }
                  - name: http as a line, lower-case method
                    given: { user: alice, resource: api, http: "get /v1/charges" }
                    expect: { decision: allow, rule: charges }
                  - name: http as a mapping
                    given: { user: alice, resource: api, http: { method: POST, path: /v1/charges } }
                    expect: { decision: deny }
                """));
        var load = bundle.Load();
        Assert.True(load.Succeeded, load.Describe());

        var report = new PolicyTestRunner(SnapshotCompiler.Compile(load.Bundle!), null, Clock).Run();

        Assert.All(report.Results, r => Assert.True(r.Passed, $"{r.Case.Name}: {string.Join("; ", r.Failures)}"));
        Assert.Equal(["kubectl", "get", "pods -A"], report.Results[1].Case.Action.Argv);
        Assert.Equal("GET", report.Results[2].Case.Action.Method);
    }

    [Fact]
    public void The_junit_report_is_valid_xml_with_a_failure_element_per_failed_case()
    {
        var report = Run("""
            cases:
              - name: bob reads <orders> & "more"
                given: { user: bob, resource: db, sql: { kind: read, tables: [orders] } }
                expect: { decision: allow }
              - name: alice reads orders
                given: { user: alice, resource: db, sql: { kind: read, tables: [orders] } }
                expect: { decision: allow, rule: eng-reads }
            """);

        var document = JUnitReport.Build(report, "policies/");
        var text = document.Declaration + Environment.NewLine + document.ToString();

        // Read it back as a CI system would, with a strict reader.
        using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var parsed = XDocument.Load(reader);
        var suite = Assert.Single(parsed.Root!.Elements("testsuite"));
        Assert.Equal("testsuites", parsed.Root.Name.LocalName);
        Assert.Equal("airlock policy policies/", suite.Attribute("name")!.Value);
        Assert.Equal("2", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        Assert.True(double.TryParse(suite.Attribute("time")!.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));

        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(2, cases.Count);
        Assert.Equal("bob reads <orders> & \"more\"", cases[0].Attribute("name")!.Value);
        var failure = Assert.Single(cases[0].Elements("failure"));
        Assert.Equal("decision: expected allow, got deny", failure.Attribute("message")!.Value);
        Assert.Contains("tests/cases.yaml:2:5", failure.Value, StringComparison.Ordinal);
        Assert.Empty(cases[1].Elements("failure"));

        var properties = suite.Element("properties")!.Elements("property").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value, StringComparer.Ordinal);
        Assert.Equal("25.0", properties["rule_coverage_percent"]);
        Assert.Equal("no-ddl,weekday-writes,never-decides", properties["uncovered_rules"]);
    }

    [Fact]
    public void The_junit_report_can_be_written_when_a_case_name_holds_a_control_character()
    {
        // BUG: YAML's "\a" escape puts U+0007 into the case name; JUnitReport copies names verbatim into
        // attributes, so Save (as PolicyTestCommand calls it) throws "'\x07' … is an invalid character".
        var report = Run("""
            cases:
              - name: "ring the \a bell"
                given: { user: bob, resource: db, sql: { kind: read } }
                expect: { decision: allow }
            """);
        var document = JUnitReport.Build(report, "policies/");
        using var stream = new MemoryStream();

        document.Save(stream);

        stream.Position = 0;
        var failure = Assert.Single(XDocument.Load(stream).Descendants("failure"));
        Assert.Contains("expected allow", failure.Attribute("message")!.Value, StringComparison.Ordinal);
    }
}
