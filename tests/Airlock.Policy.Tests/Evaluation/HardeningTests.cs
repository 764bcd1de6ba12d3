using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>Ways around a rule that the engine closes: encoded paths, one person for two groups, linked folders.</summary>
public sealed class HardeningTests
{
    [Theory]
    [InlineData("/v1/admin/users", "/v1/admin/users")]
    [InlineData("/v1//admin/users", "/v1/admin/users")]
    [InlineData("/v1/./admin/users", "/v1/admin/users")]
    [InlineData("/v1/public/../admin/users", "/v1/admin/users")]
    [InlineData("/v1/%61dmin/users", "/v1/admin/users")]
    [InlineData("/v1/public%2F..%2Fadmin/users", "/v1/admin/users")]
    [InlineData("/v1\\admin\\users", "/v1/admin/users")]
    [InlineData("/../../v1/admin/users?x=1", "/v1/admin/users")]
    [InlineData("/v1/admin/", "/v1/admin/")]
    public void Http_paths_are_canonical_before_matching(string path, string canonical)
    {
        Assert.Equal(canonical, HttpPaths.Canonicalize(path));
    }

    [Fact]
    public void A_canonical_path_is_returned_as_it_is()
    {
        const string path = "/v1/charges/ch_1";

        Assert.Same(path, HttpPaths.Canonicalize(path));
    }

    [Theory]
    [InlineData("/v1//admin/users")]
    [InlineData("/v1/public/../admin/users")]
    [InlineData("/v1/%61dmin/users")]
    [InlineData("/v1/public%2F..%2Fadmin/users")]
    public void An_encoded_path_cannot_step_around_a_deny(string path)
    {
        var snapshot = Compile("""
            rules:
              - id: api-reads
                allow: { resources: [api], http: { methods: [GET] } }
              - id: no-admin
                deny: { resources: [api], http: { paths: ["/v1/admin/**"] } }
            """);

        var decision = snapshot.Decide(Who("alice"), "api", PolicyAction.Http("GET", path));

        Assert.Equal(RuleEffect.Deny, decision.Effect);
        Assert.Equal("no-admin", decision.DecidingRuleId);
    }

    [Fact]
    public void Mode_all_does_not_let_one_person_sign_for_two_groups()
    {
        var snapshot = Compile("""
            rules:
              - id: r
                allow: { resources: [db] }
            """);
        var requirement = new ApprovalRequirement([new NameReference("dba", default), new NameReference("approvers", default)], 1, ApprovalMode.All, TimeSpan.FromMinutes(15));
        var both = snapshot.ResolvePrincipal(Who("zoe", groups: ["dba", "approvers"]));
        var bob = snapshot.ResolvePrincipal(Who("bob"));
        var carol = snapshot.ResolvePrincipal(Who("carol"));

        Assert.False(PolicySnapshot.IsSatisfied(requirement, [both], "alice"));
        Assert.True(PolicySnapshot.IsSatisfied(requirement, [both, bob], "alice"));
        Assert.True(PolicySnapshot.IsSatisfied(requirement, [bob, carol], "alice"));
        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob, bob], "alice"));
    }

    [Fact]
    public void Linked_directories_are_not_followed()
    {
        using var bundle = new TempBundle(("world.yaml", Definitions), ("rules.yaml", "rules:\n  - id: r\n    allow: { resources: [db] }\n"));
        using var outside = new TempBundle(("evil.yaml", "rules:\n  - id: evil\n    allow: {}\n"));
        Directory.CreateSymbolicLink(bundle.PathOf("linked"), outside.Directory);
        Directory.CreateSymbolicLink(bundle.PathOf("loop"), bundle.Directory);

        var result = bundle.Load();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(2, result.FileCount);
        Assert.DoesNotContain(result.Bundle!.Rules, r => r.Id == "evil");
    }

    [Theory]
    [InlineData("PWD", false)]
    [InlineData("TOKEN_URL", false)]
    [InlineData("VAULT_TOKEN_FILE", false)]
    [InlineData("KUBECONFIG", false)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("aws-secret-access-key", true)]
    [InlineData("STRIPE_API_KEY", true)]
    [InlineData("DB_PWD", true)]
    public void Secret_setting_names_are_told_apart_by_their_words(string name, bool secret)
    {
        Assert.Equal(secret, SecretScanner.IsSecretName(name));
    }

    [Fact]
    public void Bad_methods_and_paths_are_reported_where_each_is_written()
    {
        using var bundle = new TempBundle(("world.yaml", Definitions), ("rules.yaml", """
            rules:
              - id: r
                allow:
                  resources: [api]
                  http: { methods: [GET, FETCH, YANK], paths: ["/ok", "nope", "also-bad"] }
            """));

        var errors = bundle.Load().Diagnostics.Where(d => d.Id == "AL0204").Select(d => (d.Location.Line, d.Location.Column)).ToList();

        Assert.Equal([(5, 30), (5, 37), (5, 59), (5, 67)], errors);
    }
}
