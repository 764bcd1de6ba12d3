using Airlock.Policy.Diagnostics;
using Airlock.Policy.Tests.Support;

namespace Airlock.Policy.Tests.Testing;

/// <summary>Test cases that could pass or fail for the wrong reason are refused when the bundle is checked.</summary>
public sealed class TestCaseValidationTests
{
    private const string Rules = "rules:\n  - id: eng-reads\n    allow: { groups: [eng], resources: [db], sql: [read] }\n";

    [Theory]
    [InlineData("{ user: alice, resource: dbb, sql: { kind: read } }", "{ decision: allow }", "resource 'dbb' is not defined (did you mean 'db'?)")]
    [InlineData("{ user: alice, resource: api, sql: { kind: read } }", "{ decision: deny }", "resource 'api' is of type http and cannot take a sql action")]
    [InlineData("{ user: alice, resource: k8s, http: \"GET /\" }", "{ decision: deny }", "resource 'k8s' is of type command and cannot take a http action")]
    [InlineData("{ user: alice, groups: [engg], resource: db, sql: { kind: read } }", "{ decision: allow }", "group 'engg' is not defined (did you mean 'eng'?)")]
    [InlineData("{ user: alice, grants: [break-glas], resource: db, sql: { kind: read } }", "{ decision: allow }", "grant 'break-glas' is not defined (did you mean 'break-glass'?)")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read } }", "{ decision: allow, rule: eng-read }", "expected rule 'eng-read' is not a rule id (or default-deny) (did you mean 'eng-reads'?)")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read }, columns: [a.b] }", "{ decision: allow, masked: [a.c] }", "masked column 'a.c' is not among the case's 'columns'")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read }, at: yesterday }", "{ decision: allow }", "'at' must be an ISO 8601 time")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read }, command: ls }", "{ decision: allow }", "found sql, command")]
    [InlineData("{ user: alice, resource: db }", "{ decision: allow }", "found none")]
    [InlineData("{ user: alice, resource: api, http: \"GET charges\" }", "{ decision: allow }", "starting with '/'")]
    [InlineData("{ user: alice, resource: api, http: { method: GET } }", "{ decision: allow }", "http needs a method and a path")]
    [InlineData("{ user: alice, resource: k8s, command: [] }", "{ decision: allow }", "command needs at least the program name")]
    [InlineData("{ user: alice, resource: db, sql: { tables: [orders] } }", "{ decision: allow }", "sql needs 'kind'")]
    public void Malformed_cases_are_invalid_test_cases(string given, string expect, string message)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", Rules), ("tests/t.yaml", $"cases:\n  - name: the case\n    given: {given}\n    expect: {expect}\n"));

        var result = bundle.Load();

        var diagnostic = result.Single(PolicyErrors.InvalidTestCase);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(bundle.PathOf("tests/t.yaml"), diagnostic.Location.File);
    }

    [Theory]
    [InlineData("{ user: alice, resource: db, sql: { kind: reed } }", "{ decision: allow }", PolicyErrors.InvalidValue, "sql kind 'reed'")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read } }", "{ decision: permit }", PolicyErrors.InvalidValue, "decision 'permit' is not one of")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read } }", "{ rule: eng-reads }", PolicyErrors.MissingKey, "expect needs 'decision'")]
    [InlineData("{ resource: db, sql: { kind: read } }", "{ decision: allow }", PolicyErrors.MissingKey, "given needs 'user' and 'resource'")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read }, mfa: sure }", "{ decision: allow }", PolicyErrors.WrongType, "mfa must be true or false")]
    [InlineData("{ user: alice, resource: db, sql: { kind: read }, who: me }", "{ decision: allow }", PolicyErrors.UnknownKey, "unknown key 'who' in given")]
    public void Mistakes_in_case_fields_get_their_own_ids(string given, string expect, string id, string message)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", Rules), ("tests/t.yaml", $"cases:\n  - name: the case\n    given: {given}\n    expect: {expect}\n"));

        Assert.Contains(message, bundle.Load().Single(id).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_cases_with_one_name_are_reported_at_the_second()
    {
        const string Case = "  - name: same\n    given: { user: alice, resource: db, sql: { kind: read } }\n    expect: { decision: allow }\n";
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", Rules), ("tests/t.yaml", "cases:\n" + Case + Case));

        var diagnostic = bundle.Load().Single(PolicyErrors.InvalidTestCase);

        Assert.Equal(new SourceLocation(bundle.PathOf("tests/t.yaml"), 5, 5), diagnostic.Location);
        Assert.Contains("used twice", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_file_without_cases_is_reported_and_rules_in_test_files_are_not_rules()
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("tests/rules.yaml", Rules));

        var result = bundle.Load();

        Assert.Contains("unknown key 'rules' in a test file", result.Single(PolicyErrors.UnknownKey).Message, StringComparison.Ordinal);
        Assert.Contains("needs 'cases'", result.Single(PolicyErrors.MissingKey).Message, StringComparison.Ordinal);
        Assert.Empty(result.Bundle!.Rules);
    }

    [Fact]
    public void Test_cases_may_name_users_the_bundle_does_not_define()
    {
        // People known only to the identity provider are real principals; cases must be able to name them.
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("rules.yaml", Rules), ("tests/t.yaml", "cases:\n  - name: zoe\n    given: { user: zoe, idp_groups: [idp-eng], resource: db, sql: { kind: read } }\n    expect: { decision: allow, rule: eng-reads }\n"));

        var result = bundle.Load();

        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal(["idp-eng"], Assert.Single(result.Bundle!.Tests).Principal.IdpGroups);
    }
}
